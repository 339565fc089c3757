using System.Collections.Generic;

namespace Qos.TrafficManager.Classification;

/// <summary>The classifier's counters since it was created.</summary>
public sealed class ClassifierStats
{
    /// <summary>Frames classified.</summary>
    public long Frames { get; init; }

    /// <summary>Frames that parsed but carry no IPv4 or IPv6 (they get the field mapping's defaults for IP fields).</summary>
    public long NonIp { get; init; }

    /// <summary>Frames the ordered rule list classified (on the slow path).</summary>
    public long RuleHits { get; init; }

    /// <summary>Frames classified on the slow path (rules, then field mapping).</summary>
    public long SlowPath { get; init; }

    /// <summary>Frames that could not be parsed, by <see cref="FrameError"/> (index 0 is always 0).</summary>
    public IReadOnlyList<long> Errors { get; init; } = [];

    /// <summary>All frames that could not be parsed.</summary>
    public long Malformed { get; init; }

    /// <summary>The offload table (all zero when it is off).</summary>
    public OffloadStats Offload { get; init; }
}
