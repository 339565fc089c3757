using System;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Scheduling;
using Qos.TrafficManager.Stats;

namespace Qos.TrafficManager;

public sealed unsafe partial class PortScheduler
{
    /// <summary>What class <paramref name="trafficClass"/> of subport <paramref name="subport"/> sent and dropped since the last clear.</summary>
    /// <param name="subport">Subport index.</param>
    /// <param name="trafficClass">Traffic class 0..12.</param>
    /// <param name="clear">Reset the counters after reading them.</param>
    /// <remarks>Owner thread only, like <see cref="Enqueue(System.ReadOnlySpan{Qos.TrafficManager.Packets.Packet})"/> and <see cref="Dequeue"/> (asserted in Debug builds).</remarks>
    public ClassStats ReadClassStats(int subport, int trafficClass, bool clear = false)
    {
        ThrowIfDisposed();
        AssertOwner();
        var sub = CheckSubport(subport);
        CheckClass(trafficClass);
        ref ClassCounters counters = ref sub.CountersOf(trafficClass);
        var stats = new ClassStats(new TrafficCounters(counters.SentPackets, counters.SentBytes), counters.Drops);
        if (clear)
        {
            counters = default;
        }

        return stats;
    }

    /// <summary>What one queue sent and dropped since the last clear, and what it holds now.</summary>
    /// <param name="subport">Subport index.</param>
    /// <param name="pipe">Pipe index within the subport.</param>
    /// <param name="trafficClass">Traffic class 0..12.</param>
    /// <param name="queue">Best-effort queue 0..3 for class 12, else 0.</param>
    /// <param name="clear">Reset the sent and drop counters after reading them.</param>
    /// <remarks>Owner thread only, like <see cref="Enqueue(System.ReadOnlySpan{Qos.TrafficManager.Packets.Packet})"/> and <see cref="Dequeue"/> (asserted in Debug builds).</remarks>
    public QueueStats ReadQueueStats(int subport, int pipe, int trafficClass, int queue = 0, bool clear = false)
    {
        ThrowIfDisposed();
        AssertOwner();
        int index = CheckQueue(subport, pipe, trafficClass, queue, out var sub, out int globalPipe, out int q);
        var queued = Queued(sub, globalPipe, q);
        ref QueueCounters counters = ref _counters[index];
        long sentPackets = counters.AcceptedPackets - queued.Packets;
        long sentBytes = counters.AcceptedBytes - queued.Bytes;
        var stats = new QueueStats(
            new TrafficCounters(sentPackets - counters.SentBaselinePackets, sentBytes - counters.SentBaselineBytes),
            _drops[index].Drops,
            queued);
        if (clear)
        {
            counters.SentBaselinePackets = sentPackets;
            counters.SentBaselineBytes = sentBytes;
            _drops[index] = default;
        }

        GC.KeepAlive(this);
        return stats;
    }

    /// <summary>Packets held in one queue.</summary>
    /// <remarks>Owner thread only (asserted in Debug builds).</remarks>
    public int QueueLength(int subport, int pipe, int trafficClass, int queue = 0)
    {
        ThrowIfDisposed();
        AssertOwner();
        CheckQueue(subport, pipe, trafficClass, queue, out _, out int globalPipe, out int q);
        int length = _positions[globalPipe].Length(q);
        GC.KeepAlive(this);
        return length;
    }

    private TrafficCounters Queued(Subport sub, int globalPipe, int q)
    {
        ref QueuePositions positions = ref _positions[globalPipe];
        long bytes = 0;
        int length = positions.Length(q);
        for (int i = 0; i < length; i++)
        {
            bytes += _slots[SlotIndex(sub, globalPipe, q, positions.Head[q] + i)].Length;
        }

        return new TrafficCounters(length, bytes);
    }

    private int CheckQueue(int subport, int pipe, int trafficClass, int queue, out Subport sub, out int globalPipe, out int q)
    {
        sub = CheckSubport(subport);
        CheckPipe(sub, pipe);
        CheckClass(trafficClass);
        if ((uint)queue >= (trafficClass == TrafficClass.BestEffort ? TrafficClass.BestEffortQueues : 1u))
        {
            throw new System.ArgumentOutOfRangeException(nameof(queue), queue, $"queue ({queue}) must be 0..3 for best effort and 0 for classes 0..11");
        }

        globalPipe = sub.FirstPipe + pipe;
        q = TrafficClass.QueueIndex(trafficClass, queue);
        return (globalPipe * TrafficClass.QueuesPerPipe) + q;
    }

    private Subport CheckSubport(int subport)
    {
        if ((uint)subport >= (uint)_subports.Length)
        {
            throw new System.ArgumentOutOfRangeException(nameof(subport), subport, $"subport ({subport}) must be 0..{_subports.Length - 1}");
        }

        return _subports[subport];
    }

    private static void CheckPipe(Subport sub, int pipe)
    {
        if ((uint)pipe >= (uint)sub.PipeCount)
        {
            throw new System.ArgumentOutOfRangeException(nameof(pipe), pipe, $"pipe ({pipe}) must be 0..{sub.PipeCount - 1} in subport {sub.Index}");
        }
    }

    private static void CheckClass(int trafficClass)
    {
        if ((uint)trafficClass >= TrafficClass.Count)
        {
            throw new System.ArgumentOutOfRangeException(nameof(trafficClass), trafficClass, $"traffic class ({trafficClass}) must be 0..12");
        }
    }
}
