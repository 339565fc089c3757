using System.Diagnostics;

namespace Qos.Perf.LineRate;

/// <summary>
/// A NIC transmit queue: a descriptor ring the wire drains at exactly the port rate. Each packet starts when
/// the wire is free and it is on the ring (start = max(handoff, previous end)), and occupies length + overhead
/// bytes of line time. The ring keeps the end times of packets not yet fully sent, so its occupancy at any
/// time is known; the scheduler is woken to refill it when it falls below a threshold.
/// </summary>
public sealed class NicModel
{
    private readonly long[] _ends;
    private readonly int _mask;
    private long _head;
    private long _tail;

    public NicModel(int capacity)
    {
        Debug.Assert(capacity > 0 && (capacity & (capacity - 1)) == 0, "power-of-two ring");
        _ends = new long[capacity];
        _mask = capacity - 1;
    }

    public int Capacity => _ends.Length;

    /// <summary>When the wire is free after everything handed to it.</summary>
    public long WireFree { get; private set; }

    /// <summary>Line time the wire sat idle (nothing on the ring) since the start.</summary>
    public long IdleTime { get; private set; }

    /// <summary>Idle line time while the scheduler still held packets.</summary>
    public long IdleWhileBacklogged { get; private set; }

    /// <summary>Packets still on the ring at <paramref name="now"/>.</summary>
    public int Occupancy(long now)
    {
        while (_head < _tail && _ends[_head & _mask] <= now)
        {
            _head++;
        }

        return (int)(_tail - _head);
    }

    /// <summary>Puts a packet of <paramref name="cost"/> bytes of line time on the ring at <paramref name="now"/>; returns its start time.</summary>
    public long Push(long now, long cost, bool backlogged)
    {
        Debug.Assert(_tail - _head < _ends.Length, "the caller respects the ring's room");
        long start = WireFree;
        if (start < now)
        {
            IdleTime += now - start;
            if (backlogged)
            {
                IdleWhileBacklogged += now - start;
            }

            start = now;
        }

        WireFree = start + cost;
        _ends[_tail & _mask] = WireFree;
        _tail++;
        return start;
    }

    /// <summary>Starts the wire's accounting at <paramref name="now"/>.</summary>
    public void Start(long now) => WireFree = now;
}
