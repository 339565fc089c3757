using System;
using System.Collections.Generic;

namespace Qos.TrafficManager.Configuration;

/// <summary>Shaping of a pipe: token bucket, class caps, best-effort oversubscription weight and WRR weights.</summary>
public sealed class PipeProfileConfig
{
    /// <summary>Name, for messages.</summary>
    public string Name { get; init; } = "";

    /// <summary>Token bucket rate in bytes per second, at most the port rate.</summary>
    public long Rate { get; init; }

    /// <summary>Token bucket size in bytes, at least one frame (MTU + overhead).</summary>
    public long BucketSize { get; init; }

    /// <summary>13 class rates in bytes per second, each at most <see cref="Rate"/>.</summary>
    public IReadOnlyList<long> ClassRates { get; init; } = Array.Empty<long>();

    /// <summary>Class enforcement period in milliseconds.</summary>
    public long ClassPeriodMilliseconds { get; init; } = 40;

    /// <summary>Weight of this pipe's best-effort allowance under subport oversubscription, 1..255.</summary>
    public int OversubscriptionWeight { get; init; } = 1;

    /// <summary>WRR weights of the 4 best-effort queues, each 1..255.</summary>
    public IReadOnlyList<int> WrrWeights { get; init; } = new[] { 1, 1, 1, 1 };
}
