using System.Collections.Generic;

namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// A snapshot of a pipeline's counters. While it runs, the stages publish their counters about every millisecond,
/// so a snapshot may lag by that much and its parts are not taken at one instant; after <c>Stop</c> it is exact:
/// <c>Offered == Sent + Drops.Total + Flushed</c>.
/// </summary>
public sealed record PipelineStats
{
    /// <summary>Frames the source offered: received into the pool, or dropped for want of a frame.</summary>
    public long Offered { get; init; }

    /// <summary>Frames handed to the TX queues.</summary>
    public long Sent { get; init; }

    /// <summary>Frames dropped, by reason.</summary>
    public required PipelineDrops Drops { get; init; }

    /// <summary>Frames still in the pipeline at stop (event device, schedulers), handed to the flush callback.</summary>
    public long Flushed { get; init; }

    /// <summary>Per egress port.</summary>
    public required IReadOnlyList<EgressPortStats> Ports { get; init; }

    /// <summary>Per worker (in worker order): the event device's load reading of its port.</summary>
    public required IReadOnlyList<double> WorkerLoads { get; init; }

    /// <summary>Flow migrations completed by the event device.</summary>
    public long Migrations { get; init; }

    /// <summary>RX to TX queue latency, nanoseconds: median and 99th percentile.</summary>
    public long LatencyP50Nanoseconds { get; init; }

    /// <inheritdoc cref="LatencyP50Nanoseconds"/>
    public long LatencyP99Nanoseconds { get; init; }

    /// <summary>Per-flow order violations over every port.</summary>
    public long OrderViolations { get; init; }
}
