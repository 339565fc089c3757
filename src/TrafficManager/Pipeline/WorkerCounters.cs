namespace Qos.TrafficManager.Pipeline;

/// <summary>A worker's counters for one run (written by its thread only, read by others).</summary>
internal sealed class WorkerCounters
{
    /// <summary>Frames the work dropped.</summary>
    public long Drops;

    public void Reset() => Drops = 0;
}
