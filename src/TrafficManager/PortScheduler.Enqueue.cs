using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Qos.Shaping.Congestion;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Scheduling;
using Qos.TrafficManager.Stats;

namespace Qos.TrafficManager;

public sealed unsafe partial class PortScheduler
{
    /// <summary>
    /// Puts each packet in its queue, or drops it (queue full, RED, PIE) and counts the drop by reason.
    /// </summary>
    /// <remarks>
    /// Pipelined over the burst in three passes so that cache misses overlap instead of queueing up: (1) check
    /// each path and prefetch its queue positions and counters; (2) decide accept or drop and reserve the tail
    /// slot, prefetching it; (3) write the descriptors and mark the queues active. A burst with an invalid
    /// descriptor is refused whole, before anything changes.
    /// </remarks>
    /// <returns>The number of packets accepted; the others were dropped and counted.</returns>
    /// <exception cref="ArgumentException">A descriptor names a subport, pipe or class that does not exist or is off, or its length is 0 or above the MTU.</exception>
    /// <exception cref="ObjectDisposedException">The scheduler was disposed.</exception>
    public int Enqueue(ReadOnlySpan<Packet> packets) => Enqueue(packets, Span<Packet>.Empty);

    /// <summary>
    /// As <see cref="Enqueue(ReadOnlySpan{Packet})"/>, and hands the dropped descriptors back, in burst order, so that
    /// the application can release what their handles refer to.
    /// </summary>
    /// <param name="packets">The burst.</param>
    /// <param name="dropped">
    /// Receives the dropped descriptors: <c>packets.Length</c> minus the return value of them, from index 0. It must be
    /// at least as long as <paramref name="packets"/>, or empty to not collect them.
    /// </param>
    /// <returns>The number of packets accepted.</returns>
    /// <exception cref="ArgumentException">A descriptor is invalid (as for the other overload), or <paramref name="dropped"/> is too short.</exception>
    /// <exception cref="ObjectDisposedException">The scheduler was disposed.</exception>
    public int Enqueue(ReadOnlySpan<Packet> packets, Span<Packet> dropped)
    {
        ThrowIfDisposed();
        AssertOwner();
        if (!dropped.IsEmpty && dropped.Length < packets.Length)
        {
            ThrowDroppedTooShort(dropped.Length, packets.Length);
        }

        if (packets.Length > EnqueueBurst)
        {
            // Why: the chunks below check only their own descriptors; a bad one in a later chunk must refuse the
            // whole burst before the first chunk changes anything.
            CheckPaths(packets);
        }

        int accepted = 0;
        int droppedCount = 0;
        for (int start = 0; start < packets.Length; start += EnqueueBurst)
        {
            accepted += EnqueueChunk(packets.Slice(start, Math.Min(EnqueueBurst, packets.Length - start)), start, dropped, ref droppedCount);
        }

        Debug.Assert(dropped.IsEmpty || droppedCount == packets.Length - accepted, "every drop is handed back");
        GC.KeepAlive(this);
        return accepted;
    }

    /// <summary>Whether a descriptor names a subport, pipe and enabled queue of this port, with a length of 1 to the MTU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool PathIsValid(Subport[] subports, int s, int pipe, int q, int length)
    {
        if ((uint)s >= (uint)subports.Length)
        {
            return false;
        }

        var sub = subports[s];
        return (uint)pipe < (uint)sub.PipeCount && sub.QueueSize[q] != 0 && (uint)(length - 1) < (uint)sub.Mtu;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CheckPaths(ReadOnlySpan<Packet> packets)
    {
        for (int i = 0; i < packets.Length; i++)
        {
            uint path = packets[i].Path;
            if (!PathIsValid(_subports, (int)(path >> 20), (int)(path >> 4) & 0xFFFF, (int)(path & 0xF), packets[i].Length))
            {
                ThrowInvalidPath(packets[i], i);
            }
        }
    }

    // Why: the scratch lists are written before they are read; zeroing 768 bytes would cost more than a
    // small burst's work.
    [SkipLocalsInit]
    private int EnqueueChunk(ReadOnlySpan<Packet> packets, int offset, Span<Packet> dropped, ref int droppedCount)
    {
        Debug.Assert(packets.Length <= EnqueueBurst, "a chunk is at most one burst");
        int* queues = stackalloc int[EnqueueBurst];
        long* slots = stackalloc long[EnqueueBurst];
        Subport[] subports = _subports;

        // Pass 1: check the paths, prefetch queue positions and counters.
        for (int i = 0; i < packets.Length; i++)
        {
            uint path = packets[i].Path;
            int s = (int)(path >> 20);
            int pipe = (int)(path >> 4) & 0xFFFF;
            int q = (int)(path & 0xF);
            if (!PathIsValid(subports, s, pipe, q, packets[i].Length))
            {
                ThrowInvalidPath(packets[i], offset + i);
            }

            var sub = subports[s];
            int queue = ((sub.FirstPipe + pipe) << 4) | q;
            queues[i] = queue;
            Prefetch.Line(_positions + (queue >> 4));
            Prefetch.Line(_counters + queue);
        }

        // Pass 2: accept or drop, reserve the tail slot, prefetch it.
        // Why: the native bases live in locals; a store through a pointer would otherwise make the JIT reload them.
        QueuePositions* positionBase = _positions;
        Packet* slotBase = _slots;
        bool congestion = _hasCongestionControl;
        long now = 0;
        if (congestion)
        {
            SyncPortTime();
            now = _portTime;
        }

        for (int i = 0; i < packets.Length; i++)
        {
            int queue = queues[i];
            int globalPipe = queue >> 4, q = queue & 0xF;
            Debug.Assert((uint)packets[i].Subport < (uint)subports.Length, "pass 1 checked the subport");
            var sub = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(subports), packets[i].Subport);
            ref QueuePositions positions = ref positionBase[globalPipe];
            int tail = positions.Tail[q];
            int length = (ushort)(tail - positions.Head[q]);
            DropReason reason = DropReason.QueueFull;
            if (length >= sub.QueueSize[q]
                || (congestion && sub.Congestion[q] != CongestionControl.None && CongestionDrops(sub, queue, q, length, packets[i], now, out reason)))
            {
                // Why: counted in pass 3, so the drop counters' line (prefetched now) is not waited for here.
                slots[i] = Dropped(reason);
                Prefetch.Line(_drops + queue);
                continue;
            }

            long slot = SlotIndex(sub, globalPipe, q, tail);
            positions.Tail[q] = (ushort)(tail + 1);
            slots[i] = slot;
            Prefetch.Line(slotBase + slot);
        }

        // Pass 3: write the descriptors, count, mark the queues non-empty; count the drops.
        QueueCounters* counterBase = _counters;
        ActiveQueueBitmap bitmap = _bitmap;
        int accepted = 0;
        for (int i = 0; i < packets.Length; i++)
        {
            long slot = slots[i];
            int queue = queues[i];
            if (slot < 0)
            {
                CountDrop(subports[packets[i].Subport], queue, packets[i], DroppedReason(slot));
                if (!dropped.IsEmpty)
                {
                    dropped[droppedCount++] = packets[i];
                }

                continue;
            }

            slotBase[slot] = packets[i];
            ref QueueCounters counters = ref counterBase[queue];
            counters.AcceptedPackets++;
            counters.AcceptedBytes += packets[i].Length;
            bitmap.MarkNonEmpty(queue >> 4, queue & 0xF);
            accepted++;
        }

        _queued += accepted;
        return accepted;
    }

    /// <summary>RED or PIE decides on an arrival; an accepted packet joins PIE's byte count.</summary>
    private bool CongestionDrops(Subport sub, int queue, int q, int length, in Packet packet, long now, out DropReason reason)
    {
        int tc = Shaping.TrafficClasses.TrafficClass.OfQueue(q);
        if (sub.Congestion[q] == CongestionControl.Red)
        {
            reason = DropReason.Red;
            return _redStates[queue].ShouldDrop(sub.Red[tc], packet.Color, length, now, NextRandom());
        }

        ref PieState pie = ref _pieStates[queue];
        if (pie.ShouldDrop(sub.Pie[tc], length, now, NextRandom()))
        {
            reason = length >= sub.Pie[tc].TailDropThreshold ? DropReason.QueueFull : DropReason.Pie;
            return true;
        }

        pie.OnEnqueue(packet.Length);
        reason = default;
        return false;
    }

    /// <summary>A dropped packet's entry in the slot list: negative, carrying the reason.</summary>
    private static long Dropped(DropReason reason) => -1 - (long)reason;

    private static DropReason DroppedReason(long slot) => (DropReason)(-1 - slot);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountDrop(Subport sub, int queue, in Packet packet, DropReason reason)
    {
        sub.CountersOf(packet.TrafficClass).Drop(reason, packet.Length);
        _drops[queue].Drop(reason, packet.Length);
    }

    /// <summary>Says which rule <paramref name="packet"/> breaks. Why: out of line, so the message building stays out of the hot loop.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowInvalidPath(in Packet packet, int index)
    {
        int s = packet.Subport, pipe = packet.Pipe, q = packet.QueueIndex;
        if ((uint)s >= (uint)_subports.Length)
        {
            ThrowInvalidPacket(index, packet, $"subport {s} does not exist (the port has {_subports.Length})");
        }

        var sub = _subports[s];
        ThrowInvalidPacket(index, packet, (uint)pipe >= (uint)sub.PipeCount
            ? $"pipe {pipe} does not exist (subport {s} has {sub.PipeCount})"
            : sub.QueueSize[q] == 0 ? $"class {packet.TrafficClass} is disabled in subport {s}" : $"length must be 1..{sub.Mtu}");
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDroppedTooShort(int length, int needed) =>
        throw new ArgumentException($"dropped has {length} entries, fewer than the {needed} packets of the burst");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalidPacket(int index, in Packet packet, string rule) =>
        throw new ArgumentException($"packets[{index}] ({packet}): {rule}; the burst was not enqueued");
}
