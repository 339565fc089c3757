using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
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
    public int Enqueue(ReadOnlySpan<Packet> packets, Span<Packet> dropped)
    {
        AssertOwner();
        if (!dropped.IsEmpty && dropped.Length < packets.Length)
        {
            ThrowDroppedTooShort(dropped.Length, packets.Length);
        }

        int accepted = 0;
        int droppedCount = 0;
        for (int start = 0; start < packets.Length; start += EnqueueBurst)
        {
            accepted += EnqueueChunk(packets.Slice(start, Math.Min(EnqueueBurst, packets.Length - start)), start, dropped, ref droppedCount);
        }

        Debug.Assert(dropped.IsEmpty || droppedCount == packets.Length - accepted, "every drop is handed back");
        return accepted;
    }

    private int EnqueueChunk(ReadOnlySpan<Packet> packets, int offset, Span<Packet> dropped, ref int droppedCount)
    {
        Span<int> queues = stackalloc int[EnqueueBurst];
        Span<long> slots = stackalloc long[EnqueueBurst];

        // Pass 1: check the paths, prefetch queue positions and counters.
        for (int i = 0; i < packets.Length; i++)
        {
            uint path = packets[i].Path;
            int s = (int)(path >> 20);
            int pipe = (int)(path >> 4) & 0xFFFF;
            int q = (int)(path & 0xF);
            if ((uint)s >= (uint)_subports.Length)
            {
                ThrowInvalidPacket(offset + i, packets[i], $"subport {s} does not exist (the port has {_subports.Length})");
            }

            var sub = _subports[s];
            if ((uint)pipe >= (uint)sub.PipeCount || sub.QueueSize[q] == 0 || (uint)(packets[i].Length - 1) >= (uint)sub.Mtu)
            {
                ThrowInvalidPacket(offset + i, packets[i], (uint)pipe >= (uint)sub.PipeCount
                    ? $"pipe {pipe} does not exist (subport {s} has {sub.PipeCount})"
                    : sub.QueueSize[q] == 0 ? $"class {packets[i].TrafficClass} is disabled in subport {s}" : $"length must be 1..{sub.Mtu}");
            }

            int globalPipe = sub.FirstPipe + pipe;
            queues[i] = (globalPipe << 4) | q;
            Prefetch.Line(_positions + globalPipe);
            Prefetch.Line(_counters + queues[i]);
        }

        // Pass 2: accept or drop, reserve the tail slot, prefetch it.
        long now = 0;
        if (_hasCongestionControl)
        {
            SyncPortTime();
            now = _portTime;
        }

        for (int i = 0; i < packets.Length; i++)
        {
            int globalPipe = queues[i] >> 4, q = queues[i] & 0xF;
            var sub = _subports[packets[i].Subport];
            ref QueuePositions positions = ref _positions[globalPipe];
            int length = positions.Length(q);
            DropReason reason = DropReason.QueueFull;
            if (length >= sub.QueueSize[q]
                || (sub.Congestion[q] != CongestionControl.None && CongestionDrops(sub, queues[i], q, length, packets[i], now, out reason)))
            {
                // Why: counted in pass 3, so the drop counters' line (prefetched now) is not waited for here.
                slots[i] = Dropped(reason);
                Prefetch.Line(_drops + queues[i]);
                continue;
            }

            long slot = SlotIndex(sub, globalPipe, q, positions.Tail[q]);
            positions.Tail[q]++;
            slots[i] = slot;
            Prefetch.Line(_slots + slot);
        }

        // Pass 3: write the descriptors, count, mark the queues non-empty; count the drops.
        int accepted = 0;
        for (int i = 0; i < packets.Length; i++)
        {
            if (slots[i] < 0)
            {
                CountDrop(_subports[packets[i].Subport], queues[i], packets[i], DroppedReason(slots[i]));
                if (!dropped.IsEmpty)
                {
                    dropped[droppedCount++] = packets[i];
                }

                continue;
            }

            _slots[slots[i]] = packets[i];
            ref QueueCounters counters = ref _counters[queues[i]];
            counters.AcceptedPackets++;
            counters.AcceptedBytes += packets[i].Length;
            _bitmap.MarkNonEmpty(queues[i] >> 4, queues[i] & 0xF);
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

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDroppedTooShort(int length, int needed) =>
        throw new ArgumentException($"dropped has {length} entries, fewer than the {needed} packets of the burst");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalidPacket(int index, in Packet packet, string rule) =>
        throw new ArgumentException($"packets[{index}] ({packet}): {rule}; the burst was not enqueued");
}
