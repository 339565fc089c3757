namespace Qos.TrafficManager.Profiles;

/// <summary>WRED of one class: thresholds per colour and the EWMA weight (YAML <c>congestion.red.N</c>).</summary>
public sealed class RedClassOptions
{
    /// <summary>Thresholds for green packets (YAML <c>green</c>, required).</summary>
    public RedColorOptions? Green { get; set; }

    /// <summary>Thresholds for yellow packets (YAML <c>yellow</c>, required).</summary>
    public RedColorOptions? Yellow { get; set; }

    /// <summary>Thresholds for red packets (YAML <c>red</c>, required).</summary>
    public RedColorOptions? Red { get; set; }

    /// <summary>EWMA weight exponent n (weight 2^-n), 1..12 (YAML <c>weight_log2</c>).</summary>
    public int WeightLog2 { get; set; } = 9;
}
