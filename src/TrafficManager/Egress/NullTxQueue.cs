using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Egress;

/// <summary>
/// A transmit queue that sends nothing: it takes every packet, completes each at once and counts them. For
/// measuring a pipeline without its output, and for tests.
/// </summary>
/// <remarks>
/// Frames wait in a ring of pending completions until <see cref="Complete"/> hands them back; the ring doubles when
/// a caller pushes more than it holds between two collections, so a loop that collects regularly allocates nothing
/// once it has settled.
/// </remarks>
public sealed class NullTxQueue : ITxQueue
{
    private int[] _pending = new int[64];
    private long _head;
    private long _tail;
    private long _bytes;

    /// <inheritdoc />
    /// <remarks>The time of the latest push: nothing ever waits for this wire.</remarks>
    public long WireFree { get; private set; }

    /// <inheritdoc />
    public TxQueueStats Stats => new(_tail, _bytes, 0, 0);

    /// <inheritdoc />
    /// <remarks>Always <see cref="int.MaxValue"/>.</remarks>
    public int Room(long now) => int.MaxValue;

    /// <inheritdoc />
    public void Push(ReadOnlySpan<Packet> packets, long now)
    {
        if (_tail - _head + packets.Length > _pending.Length)
        {
            Grow(packets.Length);
        }

        int mask = _pending.Length - 1;
        foreach (ref readonly var packet in packets)
        {
            Debug.Assert(packet.Handle <= int.MaxValue, "a pushed handle is a frame index");
            _pending[_tail & mask] = (int)packet.Handle;
            _tail++;
            _bytes += packet.Length;
        }

        WireFree = Math.Max(WireFree, now);
    }

    /// <inheritdoc />
    public int Complete(Span<int> frames, long now)
    {
        int n = (int)Math.Min(frames.Length, _tail - _head);
        int mask = _pending.Length - 1;
        for (int i = 0; i < n; i++)
        {
            frames[i] = _pending[(_head + i) & mask];
        }

        _head += n;
        return n;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int adding)
    {
        long needed = _tail - _head + adding;
        int length = _pending.Length;
        while (length < needed)
        {
            length *= 2;
        }

        var grown = new int[length];
        int mask = _pending.Length - 1;
        for (long p = _head; p < _tail; p++)
        {
            grown[p - _head] = _pending[p & mask];
        }

        _tail -= _head;
        _head = 0;
        _pending = grown;
    }
}
