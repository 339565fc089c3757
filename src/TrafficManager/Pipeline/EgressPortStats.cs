namespace Qos.TrafficManager.Pipeline;

/// <summary>One egress port's counters (a snapshot its thread published).</summary>
public sealed record EgressPortStats
{
    /// <summary>The port's index in the pipeline.</summary>
    public required int Port { get; init; }

    /// <summary>Frames handed to the TX queue.</summary>
    public long SentPackets { get; init; }

    /// <summary>Their bytes, without frame overhead.</summary>
    public long SentBytes { get; init; }

    /// <summary>Their bytes with the frame overhead: line time used.</summary>
    public long SentWireBytes { get; init; }

    /// <summary>Frames the port's thread took from the event device.</summary>
    public long Received { get; init; }

    /// <summary>Frames dropped by the scheduler, by reason: queue full, RED, PIE.</summary>
    public long QueueFull { get; init; }

    /// <inheritdoc cref="QueueFull"/>
    public long Red { get; init; }

    /// <inheritdoc cref="QueueFull"/>
    public long Pie { get; init; }

    /// <summary>Packets waiting in the scheduler.</summary>
    public long Queued { get; init; }

    /// <summary>Per-flow order violations seen at the TX queue (with <see cref="PipelineOptions.OrderCheckFlows"/>).</summary>
    public long OrderViolations { get; init; }

    /// <summary>The port clock's time, bytes of line time.</summary>
    public long PortTime { get; init; }
}
