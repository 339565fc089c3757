using System.Diagnostics;

namespace Qos.EventCore.Migration;

/// <summary>
/// The flows one port is moving away, with their targets. Written by the source port while it is
/// <see cref="MigrationState.Idle"/> (and the targets again just before the unpause is sent); read by other ports
/// when they handle that port's pause and unpause messages.
/// </summary>
internal sealed class Emigration
{
    public const int MaxFlows = 16;

    private readonly int[] _keys = new int[MaxFlows];
    private readonly byte[] _targets = new byte[MaxFlows];
    private readonly double[] _loads = new double[MaxFlows];

    public MigrationState State { get; set; }

    public int Count { get; private set; }

    public int Confirmations { get; set; }

    public long StartTimestamp { get; set; }

    public int KeyAt(int i) => _keys[i];

    public int TargetAt(int i) => _targets[i];

    public double LoadAt(int i) => _loads[i];

    public void Clear() => Count = 0;

    public void Add(int key, int target, double load)
    {
        Debug.Assert(Count < MaxFlows, "an emigration moves at most MaxFlows flows");
        _keys[Count] = key;
        _targets[Count] = (byte)target;
        _loads[Count] = load;
        Count++;
    }

    /// <summary>Removes move <paramref name="i"/> (the last takes its place).</summary>
    public void RemoveAt(int i)
    {
        Debug.Assert((uint)i < (uint)Count, "a move in the list");
        Count--;
        _keys[i] = _keys[Count];
        _targets[i] = _targets[Count];
        _loads[i] = _loads[Count];
    }

    /// <summary>Keeps flow <paramref name="i"/> where it is (the move is cancelled, the pause still ends).</summary>
    public void Cancel(int i, int sourcePort) => _targets[i] = (byte)sourcePort;

    /// <summary>The target of the flow <paramref name="key"/>, or -1 when this emigration does not move it.</summary>
    public int TargetOf(int key)
    {
        for (int i = 0; i < Count; i++)
        {
            if (_keys[i] == key)
            {
                return _targets[i];
            }
        }

        return -1;
    }
}
