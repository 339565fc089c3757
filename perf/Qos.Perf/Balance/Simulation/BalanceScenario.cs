using System;
using Qos.EventCore.Balancing;
using Qos.EventCore.Migration;

namespace Qos.Perf.Balance.Simulation;

/// <summary>
/// What the balance simulator runs: workers (ports) in domains and nodes, flows with Zipf-distributed rates capped at
/// <see cref="FlowCap"/> of a worker (the excess spread over the others, so the total stays <see cref="Load"/> of the
/// capacity: a flow is served by one worker at a time and cannot use more than one), a shift of which flows are heavy
/// every <see cref="ShiftEveryNs"/>, and the device's migration timing. Times are virtual nanoseconds.
/// </summary>
public sealed record BalanceScenario
{
    public const long Millisecond = 1_000_000;

    public string Policy { get; init; } = "dsw";

    public int Workers { get; init; } = 16;

    public int Domains { get; init; } = 4;

    public int Nodes { get; init; } = 2;

    public int Flows { get; init; } = 4096;

    public double Zipf { get; init; } = 1.1;

    /// <summary>Offered load as a share of the total capacity (0 to 1).</summary>
    public double Load { get; init; } = 0.8;

    /// <summary>Most one flow offers, as a share of one worker.</summary>
    public double FlowCap { get; init; } = 0.25;

    /// <summary>How many of the heaviest ranks move to random flows at each shift.</summary>
    public int ShiftFlows { get; init; } = 8;

    public long ShiftEveryNs { get; init; } = 200 * Millisecond;

    public long DurationNs { get; init; } = 5000 * Millisecond;

    public long WarmupNs { get; init; } = 1000 * Millisecond;

    /// <summary>Window over which worker load is averaged for max/mean and the series.</summary>
    public long SampleNs { get; init; } = 10 * Millisecond;

    public long TickNs { get; init; } = 50_000;

    public long Seed { get; init; } = 1;

    /// <summary>Time from a decision until the flows have their new owner (the pause/forward/unpause protocol).</summary>
    public long MigrationLatencyNs { get; init; } = 200_000;

    public long LoadUpdateNs { get; init; } = 250_000;

    /// <summary>Half-life of the load meters' running average; 0: one update interval (the device default).</summary>
    public long LoadHalfLifeNs { get; init; }

    /// <summary>Mean time between a worker's migration decisions (each one jittered by ±half of it). 250 µs: after a
    /// shift the first decision then comes about 0.25 ms after the load meter sees it, which a 10 ms sample window
    /// needs to stay within 1.10 of the mean (the device's default, <c>MigrationIntervalMicroseconds</c>, is 1000).</summary>
    public long MigrationIntervalNs { get; init; } = Millisecond / 4;

    public long HoldDownNs { get; init; } = 100 * Millisecond;

    public int MaxMovesPerInterval { get; init; } = 16;

    /// <summary>Service time of one event, to count queued events from queued work.</summary>
    public double EventCostNs { get; init; } = 1000;

    /// <summary>Whether the result keeps every worker's load per sample (for plots).</summary>
    public bool KeepWorkerSeries { get; init; }

    /// <summary>When set, makes the policy instead of <see cref="Policy"/>'s defaults (to try non-default settings).</summary>
    public Func<IMigrationPolicy>? PolicyFactory { get; init; }

    /// <summary>The policy object named by <see cref="Policy"/>, with its defaults: the same objects the device uses.</summary>
    public IMigrationPolicy CreatePolicy() => PolicyFactory is not null ? PolicyFactory() : Policy switch
    {
        "dsw" => new DswMigrationPolicy(),
        "hierarchical" => new HierarchicalMigrationPolicy(),
        _ => throw new ArgumentException($"policy '{Policy}' must be dsw or hierarchical", nameof(Policy)),
    };

    public BalanceTopology CreateTopology() => BalanceTopology.Uniform(Workers, Domains, Nodes);
}
