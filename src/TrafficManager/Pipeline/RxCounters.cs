namespace Qos.TrafficManager.Pipeline;

/// <summary>The RX thread's counters for one run (written by it only, read by others).</summary>
internal sealed class RxCounters
{
    /// <summary>Frames the source delivered into the pool.</summary>
    public long Received;

    /// <summary>Frames sent into the event device.</summary>
    public long Enqueued;

    /// <summary>Frames dropped because the device refused their burst.</summary>
    public long Backpressure;

    /// <summary>Frames the work dropped when it runs on the RX thread (no workers).</summary>
    public long WorkerDrops;

    /// <summary>Frames flushed at the last stop.</summary>
    public long Flushed;

    /// <summary>The source's no-buffer count and the device's migrations when the run started.</summary>
    public long NoBufferAtStart;

    /// <inheritdoc cref="NoBufferAtStart"/>
    public long MigrationsAtStart;
}
