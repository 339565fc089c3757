using System;
using System.Diagnostics;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Egress;

/// <summary>
/// The wire model the NIC and pcap queues share: a descriptor ring of power-of-two capacity that a wire drains at
/// exactly the port rate.
/// </summary>
/// <remarks>
/// Each packet starts when it is pushed and the wire is free (start = max(push time, previous end)) and occupies
/// length + frame overhead bytes of line time; its last byte has left at its end time. The ring keeps each
/// packet's end time and handle between three positions that only move forward: <c>reaped</c> (handed back by a
/// completion) ≤ <c>tail</c> (pushed), and <c>drained</c> (ended by the latest time seen) ≤ <c>tail</c>. A slot is
/// free again once the position before it has been reaped, so handles wait safely until their owner collects them.
/// </remarks>
internal sealed class TxRing
{
    private readonly long[] _ends;
    private readonly ulong[] _handles;
    private readonly int _mask;
    private readonly int _frameOverhead;
    private long _tail;
    private long _reaped;
    private long _drained;
    private long _bytes;
    private long _idleTime;
    private long _idleWhileBacklogged;

    /// <summary>A ring of <paramref name="capacity"/> descriptors whose wire comes up at <paramref name="start"/>.</summary>
    public TxRing(int capacity, int frameOverhead, long start)
    {
        Debug.Assert(capacity > 0 && (capacity & (capacity - 1)) == 0, "a power-of-two ring");
        Debug.Assert(frameOverhead >= 0, "overhead is never negative");
        _ends = new long[capacity];
        _handles = new ulong[capacity];
        _mask = capacity - 1;
        _frameOverhead = frameOverhead;
        WireFree = start;
    }

    public int Capacity => _ends.Length;

    /// <summary>When the wire is free after everything pushed.</summary>
    public long WireFree { get; private set; }

    /// <summary>Whether the feeder held packets it did not push at its latest refill (see <see cref="TxQueueStats.IdleWhileBacklogged"/>).</summary>
    public bool Backlogged { get; set; }

    /// <summary>Pushed and not yet handed back.</summary>
    public int Unreaped => (int)(_tail - _reaped);

    public TxQueueStats Stats => new(_tail, _bytes, _idleTime, _idleWhileBacklogged);

    /// <summary>Descriptors still held at <paramref name="now"/>: pushed, and not both reaped and off the wire.</summary>
    public int Held(long now)
    {
        while (_drained < _tail && _ends[_drained & _mask] <= now)
        {
            _drained++;
        }

        return (int)(_tail - Math.Min(_reaped, _drained));
    }

    /// <summary>Puts a packet on the wire at <paramref name="now"/>; returns the line time its first byte goes out.</summary>
    public long Send(in Packet packet, long now)
    {
        Debug.Assert(_tail - Math.Min(_reaped, _drained) < _ends.Length, "the caller respects the ring's room");
        long start = WireFree;
        if (start < now)
        {
            _idleTime += now - start;
            if (Backlogged)
            {
                _idleWhileBacklogged += now - start;
            }

            start = now;
        }

        WireFree = start + packet.Length + _frameOverhead;
        _ends[_tail & _mask] = WireFree;
        _handles[_tail & _mask] = packet.Handle;
        _tail++;
        _bytes += packet.Length;
        return start;
    }

    /// <summary>Hands back the handles of packets whose last byte has left by <paramref name="now"/>, oldest first.</summary>
    public int ReapSent(Span<int> frames, long now)
    {
        int n = 0;
        while (n < frames.Length && _reaped < _tail && _ends[_reaped & _mask] <= now)
        {
            frames[n++] = FrameOf(_handles[_reaped & _mask]);
            _reaped++;
        }

        _drained = Math.Max(_drained, _reaped);
        return n;
    }

    /// <summary>Lets go of the packets whose last byte has left by <paramref name="now"/> without handing them back.</summary>
    public int ReapSent(long now)
    {
        long before = _reaped;
        while (_reaped < _tail && _ends[_reaped & _mask] <= now)
        {
            _reaped++;
        }

        _drained = Math.Max(_drained, _reaped);
        return (int)(_reaped - before);
    }

    /// <summary>Hands back the handles of packets pushed, whether or not they have left, oldest first.</summary>
    public int ReapPushed(Span<int> frames)
    {
        int n = (int)Math.Min(frames.Length, _tail - _reaped);
        for (int i = 0; i < n; i++)
        {
            frames[i] = FrameOf(_handles[(_reaped + i) & _mask]);
        }

        _reaped += n;
        return n;
    }

    private static int FrameOf(ulong handle)
    {
        Debug.Assert(handle <= int.MaxValue, "a handle handed back as a frame is a pool index");
        return (int)handle;
    }
}
