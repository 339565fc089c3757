namespace Qos.TrafficManager.Pipeline;

/// <summary>Frames a pipeline dropped, by reason; each was counted once and its frame went back to the pool.</summary>
public sealed record PipelineDrops
{
    /// <summary>The source found no free frame in the pool (the NIC's missed count).</summary>
    public long RxNoBuffer { get; init; }

    /// <summary>The event device refused the RX burst: workers or egress fell behind (credits).</summary>
    public long RxBackpressure { get; init; }

    /// <summary>The work handler dropped it.</summary>
    public long Worker { get; init; }

    /// <summary>A scheduler queue was full (tail drop).</summary>
    public long QueueFull { get; init; }

    /// <summary>RED or WRED dropped it.</summary>
    public long Red { get; init; }

    /// <summary>PIE dropped it.</summary>
    public long Pie { get; init; }

    /// <summary>All of them.</summary>
    public long Total => RxNoBuffer + RxBackpressure + Worker + QueueFull + Red + Pie;
}
