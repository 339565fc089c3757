using System.Collections.Generic;

namespace Qos.TrafficManager.Profiles;

/// <summary>Shaping of a subport (an entry of YAML <c>subport_profiles</c>).</summary>
public sealed class SubportProfileOptions
{
    /// <summary>Token bucket rate, e.g. <c>10gbps</c> (YAML <c>rate</c>, required).</summary>
    public string? Rate { get; set; }

    /// <summary>Token bucket size, e.g. <c>1MB</c> (YAML <c>bucket</c>, required).</summary>
    public string? Bucket { get; set; }

    /// <summary>Class rates: one value for all 13 classes, or 13 values (YAML <c>tc_rates</c>, required).</summary>
    public List<string> TcRates { get; } = new();

    /// <summary>Class enforcement period in whole milliseconds, e.g. <c>10ms</c> (YAML <c>tc_period</c>).</summary>
    public string TcPeriod { get; set; } = "10ms";
}
