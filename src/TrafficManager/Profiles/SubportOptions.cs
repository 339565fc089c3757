using System.Collections.Generic;

namespace Qos.TrafficManager.Profiles;

/// <summary>A subport (an entry of YAML <c>subports</c>).</summary>
public sealed class SubportOptions
{
    /// <summary>Name of its subport profile (YAML <c>profile</c>, required).</summary>
    public string? Profile { get; set; }

    /// <summary>
    /// Queue size in packets: one value for all 13 classes or 13 values, each a power of two up to 32768 or 0 to
    /// turn a class off (YAML <c>queue_sizes</c>, required).
    /// </summary>
    public List<int> QueueSizes { get; } = new();

    /// <summary>Whether best-effort oversubscription is enforced (YAML <c>oversubscription</c>).</summary>
    public bool Oversubscription { get; set; }

    /// <summary>Groups of pipes, numbered in list order (YAML <c>pipes</c>, required).</summary>
    public List<PipeGroupOptions> Pipes { get; } = new();

    /// <summary>Optional active queue management per class (YAML <c>congestion</c>).</summary>
    public CongestionOptions? Congestion { get; set; }
}
