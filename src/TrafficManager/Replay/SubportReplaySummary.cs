using System.Collections.Generic;

namespace Qos.TrafficManager.Replay;

/// <summary>A subport's counters during a replay.</summary>
public sealed class SubportReplaySummary
{
    internal SubportReplaySummary(int subport, IReadOnlyList<ReplayCounters> classes)
    {
        Subport = subport;
        Classes = classes;
        foreach (var counters in classes)
        {
            Total += counters;
        }
    }

    /// <summary>Subport index.</summary>
    public int Subport { get; }

    /// <summary>All classes together.</summary>
    public ReplayCounters Total { get; }

    /// <summary>Per traffic class 0..12.</summary>
    public IReadOnlyList<ReplayCounters> Classes { get; }
}
