using System.Diagnostics;

namespace Qos.EventCore.Migration;

/// <summary>
/// The flows (queue and flow hash) a port currently must not send, each with the port that asked for the pause.
/// Small: each port has at most one emigration under way, of at most <see cref="Emigration.MaxFlows"/> flows.
/// </summary>
internal sealed class PausedFlowSet
{
    private readonly int[] _keys;
    private readonly byte[] _origins;

    public PausedFlowSet(int portCount)
    {
        _keys = new int[portCount * Emigration.MaxFlows];
        _origins = new byte[_keys.Length];
    }

    public int Count { get; private set; }

    public bool Contains(int key)
    {
        for (int i = 0; i < Count; i++)
        {
            if (_keys[i] == key)
            {
                return true;
            }
        }

        return false;
    }

    public void Add(int key, int origin)
    {
        Debug.Assert(Count < _keys.Length, "paused flows fit: one emigration per port");
        _keys[Count] = key;
        _origins[Count] = (byte)origin;
        Count++;
    }

    public void RemoveOrigin(int origin)
    {
        int i = 0;
        while (i < Count)
        {
            if (_origins[i] == origin)
            {
                Count--;
                _keys[i] = _keys[Count];
                _origins[i] = _origins[Count];
            }
            else
            {
                i++;
            }
        }
    }

    public void Clear() => Count = 0;
}
