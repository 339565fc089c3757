using System.Collections.Generic;

namespace Qos.TrafficManager.Profiles;

/// <summary>Shaping of a pipe (an entry of YAML <c>pipe_profiles</c>).</summary>
public sealed class PipeProfileOptions
{
    /// <summary>Token bucket rate, e.g. <c>2.44mbps</c> (YAML <c>rate</c>, required).</summary>
    public string? Rate { get; set; }

    /// <summary>Token bucket size, e.g. <c>1MB</c> (YAML <c>bucket</c>, required).</summary>
    public string? Bucket { get; set; }

    /// <summary>Class rates: one value for all 13 classes, or 13 values (YAML <c>tc_rates</c>, required).</summary>
    public List<string> TcRates { get; } = new();

    /// <summary>Class enforcement period in whole milliseconds, e.g. <c>40ms</c> (YAML <c>tc_period</c>).</summary>
    public string TcPeriod { get; set; } = "40ms";

    /// <summary>Best-effort oversubscription weight, 1..255 (YAML <c>be_weight</c>).</summary>
    public int BeWeight { get; set; } = 1;

    /// <summary>WRR weights of the 4 best-effort queues, each 1..255; empty means 1, 1, 1, 1 (YAML <c>wrr_weights</c>).</summary>
    public List<int> WrrWeights { get; } = new();
}
