using System;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using Qos.Shaping.Internal;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Egress;

/// <summary>
/// A model of a NIC transmit queue: a descriptor ring of power-of-two capacity that the wire drains at exactly the
/// port rate. Each packet starts when it is pushed and the wire is free (start = max(push time, previous end)) and
/// occupies <see cref="Packet.Length"/> + frame overhead bytes of line time; its frame completes once its last
/// byte has left, and its descriptor is free again once <see cref="Complete(Span{int}, long)"/> has handed the
/// frame back, as a driver reaps a real ring.
/// </summary>
/// <remarks>
/// The queue never reads frame bytes, so it needs no pool: it hands back the handles it was given. A harness whose
/// handles are not frames (the line-rate harness puts arrival times there) pushes with
/// <see cref="Push(in Packet, long)"/>, which returns the departure time, and reaps with
/// <see cref="Complete(long)"/>, which lets the handles go unread.
/// </remarks>
public sealed class NicTxQueue : ITxQueue
{
    private readonly TxRing _ring;

    /// <summary>Creates an empty ring whose wire comes up at <paramref name="start"/>.</summary>
    /// <param name="capacity">Descriptors in the ring, a power of two in 1..2^30.</param>
    /// <param name="frameOverhead">Bytes of line time each frame takes beyond its length (preamble, delimiter, CRC, gap).</param>
    /// <param name="start">Line time from which an empty wire counts as idle.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public NicTxQueue(int capacity, int frameOverhead, long start = 0)
    {
        CheckRing(capacity, frameOverhead);
        _ring = new TxRing(capacity, frameOverhead, start);
    }

    /// <summary>Descriptors in the ring.</summary>
    public int Capacity => _ring.Capacity;

    /// <summary>
    /// Set by the feeder after each refill: whether it still held packets it did not push. A wire gap that the next
    /// push ends is counted in <see cref="TxQueueStats.IdleWhileBacklogged"/> when this was set.
    /// </summary>
    /// <remarks>Why the feeder says so: only packets left behind at a refill could have filled the gap; packets that arrive later could not.</remarks>
    public bool Backlogged
    {
        get => _ring.Backlogged;
        set => _ring.Backlogged = value;
    }

    /// <inheritdoc />
    public long WireFree => _ring.WireFree;

    /// <inheritdoc />
    public TxQueueStats Stats => _ring.Stats;

    /// <inheritdoc />
    /// <remarks>Descriptors whose frames have not been handed back are taken, even if their last byte has left.</remarks>
    public int Room(long now) => _ring.Capacity - _ring.Held(now);

    /// <inheritdoc />
    public void Push(ReadOnlySpan<Packet> packets, long now)
    {
        int room = Room(now);
        if (packets.Length > room)
        {
            ThrowOverRoom(packets.Length, room);
        }

        foreach (ref readonly var packet in packets)
        {
            _ring.Send(packet, now);
        }
    }

    /// <summary>Hands one packet to the queue and says when it goes on the wire.</summary>
    /// <param name="packet">The descriptor; its handle is handed back as it is (a frame index, or anything when reaped with <see cref="Complete(long)"/>).</param>
    /// <param name="now">The port's line time in bytes.</param>
    /// <returns>The line time at which the packet's first byte goes on the wire.</returns>
    /// <exception cref="ArgumentException">The ring has no room.</exception>
    public long Push(in Packet packet, long now)
    {
        int room = Room(now);
        if (room == 0)
        {
            ThrowOverRoom(1, room);
        }

        return _ring.Send(packet, now);
    }

    /// <inheritdoc />
    public int Complete(Span<int> frames, long now) => _ring.ReapSent(frames, now);

    /// <summary>Frees the descriptors of packets whose last byte has left by <paramref name="now"/>, without reading their handles.</summary>
    /// <param name="now">The port's line time in bytes.</param>
    /// <returns>How many descriptors were freed.</returns>
    public int Complete(long now) => _ring.ReapSent(now);

    internal static void CheckRing(int capacity, int frameOverhead)
    {
        if (capacity < 1 || capacity > 1 << 30 || !BitOperations.IsPow2(capacity))
        {
            ThrowHelper.OutOfRange(nameof(capacity), capacity, "must be a power of two in 1..2^30");
        }

        if (frameOverhead < 0)
        {
            ThrowHelper.OutOfRange(nameof(frameOverhead), frameOverhead, "must not be negative");
        }
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ThrowOverRoom(int pushed, int room) =>
        ThrowHelper.Argument("packets", $"a burst of {pushed} packets is more than the queue's room of {room}: push at most Room(now)");
}
