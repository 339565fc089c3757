namespace Qos.TrafficManager.Profiles;

/// <summary>PIE (RFC 8033) of one class (YAML <c>congestion.pie.N</c>).</summary>
public sealed class PieClassOptions
{
    /// <summary>Queue length, in packets, at which every arrival is dropped: 1..queue size (YAML <c>tail_drop</c>).</summary>
    public int TailDrop { get; set; }

    /// <summary>Target queueing delay in whole milliseconds (YAML <c>qdelay_ref</c>).</summary>
    public string QdelayRef { get; set; } = "15ms";

    /// <summary>Interval between drop-probability updates in whole milliseconds (YAML <c>update_interval</c>).</summary>
    public string UpdateInterval { get; set; } = "15ms";

    /// <summary>Burst let through an uncongested queue in whole milliseconds, 0 for none (YAML <c>max_burst</c>).</summary>
    public string MaxBurst { get; set; } = "150ms";
}
