using System;
using System.Runtime.CompilerServices;

namespace Qos.EventCore.Migration;

/// <summary>
/// The (queue, flow hash) keys of the last 128 events a port dequeued: a cheap sample of which flows are active
/// and how busy each is, without per-flow counters.
/// </summary>
internal sealed class RecentFlows
{
    public const int Capacity = 128;

    private readonly int[] _keys = new int[Capacity];
    private readonly int[] _scratch = new int[Capacity];
    private int _next;
    private int _length;

    public int Length => _length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(int key)
    {
        _keys[_next] = key;
        _next = (_next + 1) & (Capacity - 1);
        if (_length != Capacity)
        {
            _length++;
        }
    }

    public void Reset()
    {
        _next = 0;
        _length = 0;
    }

    /// <summary>Groups the sample into distinct flows with their counts, smallest count first.</summary>
    public int Summarize(Span<FlowSample> flows)
    {
        Span<int> keys = _scratch.AsSpan(0, _length);
        _keys.AsSpan(0, _length).CopyTo(keys);
        keys.Sort();
        int count = 0;
        int i = 0;
        while (i < keys.Length && count < flows.Length)
        {
            int key = keys[i];
            int j = i + 1;
            while (j < keys.Length && keys[j] == key)
            {
                j++;
            }

            flows[count++] = new FlowSample(key >> 16, key & 0xFFFF, j - i);
            i = j;
        }

        // Insertion sort by count: at most 128 entries, no allocation, stable.
        for (int a = 1; a < count; a++)
        {
            FlowSample x = flows[a];
            int b = a - 1;
            while (b >= 0 && flows[b].Count > x.Count)
            {
                flows[b + 1] = flows[b];
                b--;
            }

            flows[b + 1] = x;
        }

        return count;
    }
}
