using System;
using Qos.EventCore.Balancing;

namespace Qos.EventCore.Migration;

/// <summary>What a <see cref="IMigrationPolicy"/> knows when it decides.</summary>
public readonly ref struct MigrationContext
{
    /// <summary>A context, as the device builds it (and as tests build synthetic ones).</summary>
    /// <param name="sourcePort">The deciding port.</param>
    /// <param name="portLoads">Each port's smoothed load by port id: the work offered to it as a share of what it
    /// can serve, 0 (idle) to 1 (busy all the time, backlog steady) and above 1 (up to 2) when its backlog grows;
    /// includes load already on its way to a port by recent migrations.</param>
    /// <param name="recentFlows">The flows the source owns among its recent events, smallest count first; only flows
    /// of queues whose flows may move.</param>
    /// <param name="sampleSize">How many recent events the counts are out of (at least their total).</param>
    /// <param name="queueServingPorts">By queue id: bit p set when port p serves the queue.</param>
    /// <param name="holdDownTicks">A flow that moved less than this long ago (<see cref="FlowSample.SinceMove"/>) stays.</param>
    /// <param name="moveBudget">Most flows the device still lets move in this migration interval.</param>
    /// <param name="topology">Domains and nodes of the ports; <c>null</c>: one domain on one node.</param>
    public MigrationContext(int sourcePort, ReadOnlySpan<double> portLoads, ReadOnlySpan<FlowSample> recentFlows, int sampleSize, ReadOnlySpan<ulong> queueServingPorts,
        long holdDownTicks = 0, int moveBudget = int.MaxValue, BalanceTopology? topology = null)
    {
        if ((uint)sourcePort >= (uint)portLoads.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(sourcePort), sourcePort, $"sourcePort {sourcePort} must be a port id below portLoads.Length {portLoads.Length}");
        }

        if (sampleSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleSize), sampleSize, $"sampleSize {sampleSize} must not be negative");
        }

        SourcePort = sourcePort;
        SampleSize = sampleSize;
        PortLoads = portLoads;
        RecentFlows = recentFlows;
        QueueServingPorts = queueServingPorts;
        HoldDownTicks = holdDownTicks;
        MoveBudget = Math.Max(0, moveBudget);
        Topology = topology;
    }

    /// <summary>The deciding port, which owns every flow in <see cref="RecentFlows"/>.</summary>
    public int SourcePort { get; }

    /// <summary>Each port's load by port id, from 0; above 1 for a port whose backlog grows (see the constructor).</summary>
    public ReadOnlySpan<double> PortLoads { get; }

    /// <summary>Movable flows seen recently by the source, smallest count first.</summary>
    public ReadOnlySpan<FlowSample> RecentFlows { get; }

    /// <summary>By queue id: the bit mask of ports serving that queue.</summary>
    public ReadOnlySpan<ulong> QueueServingPorts { get; }

    /// <summary>How many recent events the counts of <see cref="RecentFlows"/> are out of: a flow's share of the
    /// source's load is about its count divided by this.</summary>
    public int SampleSize { get; }

    /// <summary>A flow whose <see cref="FlowSample.SinceMove"/> is below this must not move (no flapping).</summary>
    public long HoldDownTicks { get; }

    /// <summary>How many more flows may move in this migration interval, device-wide; policies write at most this many moves.</summary>
    public int MoveBudget { get; }

    /// <summary>Domains and nodes of the ports, or <c>null</c> when the device declares none (one domain, one node).</summary>
    public BalanceTopology? Topology { get; }

    /// <summary>Whether <paramref name="flow"/> may move now (it did not move within the hold-down time).</summary>
    public bool MayMove(in FlowSample flow) => flow.SinceMove >= HoldDownTicks;
}
