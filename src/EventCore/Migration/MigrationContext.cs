using System;

namespace Qos.EventCore.Migration;

/// <summary>What a <see cref="IMigrationPolicy"/> knows when it decides.</summary>
public readonly ref struct MigrationContext
{
    /// <summary>A context, as the device builds it (and as tests build synthetic ones).</summary>
    /// <param name="sourcePort">The deciding port.</param>
    /// <param name="portLoads">Each port's smoothed load, 0 (idle) to 1 (always busy), by port id; includes load
    /// already on its way to a port by recent migrations.</param>
    /// <param name="recentFlows">The flows the source owns among its recent events, smallest count first; only flows
    /// of queues whose flows may move.</param>
    /// <param name="sampleSize">How many recent events the counts are out of (at least their total).</param>
    /// <param name="queueServingPorts">By queue id: bit p set when port p serves the queue.</param>
    public MigrationContext(int sourcePort, ReadOnlySpan<double> portLoads, ReadOnlySpan<FlowSample> recentFlows, int sampleSize, ReadOnlySpan<ulong> queueServingPorts)
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
    }

    /// <summary>The deciding port, which owns every flow in <see cref="RecentFlows"/>.</summary>
    public int SourcePort { get; }

    /// <summary>Each port's load, 0 to 1, by port id.</summary>
    public ReadOnlySpan<double> PortLoads { get; }

    /// <summary>Movable flows seen recently by the source, smallest count first.</summary>
    public ReadOnlySpan<FlowSample> RecentFlows { get; }

    /// <summary>By queue id: the bit mask of ports serving that queue.</summary>
    public ReadOnlySpan<ulong> QueueServingPorts { get; }

    /// <summary>How many recent events the counts of <see cref="RecentFlows"/> are out of: a flow's share of the
    /// source's load is about its count divided by this.</summary>
    public int SampleSize { get; }
}
