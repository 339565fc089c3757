using System.Collections.Generic;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// Active queue management of a subport (YAML <c>congestion</c>): WRED or PIE per traffic class, keyed by the class
/// number 0..12. A class may use one or the other; a class with neither is tail drop only.
/// </summary>
public sealed class CongestionOptions
{
    /// <summary>WRED per class (YAML <c>red</c>).</summary>
    public Dictionary<int, RedClassOptions> Red { get; } = new();

    /// <summary>PIE per class (YAML <c>pie</c>).</summary>
    public Dictionary<int, PieClassOptions> Pie { get; } = new();
}
