using System;
using System.Collections.Generic;

namespace Qos.TrafficManager.Configuration;

/// <summary>Shaping of a subport: token bucket and class caps.</summary>
public sealed class SubportProfileConfig
{
    /// <summary>Name, for messages and runtime changes by name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Token bucket rate in bytes per second, at most the port rate.</summary>
    public long Rate { get; init; }

    /// <summary>Token bucket size in bytes, at least one frame (MTU + overhead).</summary>
    public long BucketSize { get; init; }

    /// <summary>13 class rates in bytes per second, each at most <see cref="Rate"/>.</summary>
    public IReadOnlyList<long> ClassRates { get; init; } = Array.Empty<long>();

    /// <summary>Class enforcement period in milliseconds.</summary>
    public long ClassPeriodMilliseconds { get; init; } = 10;
}
