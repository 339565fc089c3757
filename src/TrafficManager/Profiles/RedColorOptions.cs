namespace Qos.TrafficManager.Profiles;

/// <summary>RED thresholds of one colour, in packets of average queue length (YAML <c>{ min: 48, max: 64, inv_prob: 10 }</c>).</summary>
public sealed class RedColorOptions
{
    /// <summary>Average queue length where early drops begin, at least 1 (YAML <c>min</c>).</summary>
    public int Min { get; set; }

    /// <summary>Average queue length from which every packet is dropped, above <see cref="Min"/> and at most the queue size (YAML <c>max</c>).</summary>
    public int Max { get; set; }

    /// <summary>Inverse of the drop probability at the top of the ramp, 1..255 (YAML <c>inv_prob</c>).</summary>
    public int InvProb { get; set; } = 10;
}
