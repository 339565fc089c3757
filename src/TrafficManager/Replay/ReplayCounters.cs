using Qos.TrafficManager.Stats;

namespace Qos.TrafficManager.Replay;

/// <summary>What a node of the hierarchy was offered, sent and dropped (by reason) during a replay; bytes are frame lengths.</summary>
/// <param name="Offered">Packets and bytes in the trace.</param>
/// <param name="Sent">Packets and bytes transmitted.</param>
/// <param name="Dropped">Packets and bytes dropped at enqueue, by reason.</param>
public readonly record struct ReplayCounters(TrafficCounters Offered, TrafficCounters Sent, DropCounters Dropped)
{
    /// <summary>The sum of two sets of counters.</summary>
    public static ReplayCounters operator +(ReplayCounters a, ReplayCounters b) => new(
        a.Offered + b.Offered,
        a.Sent + b.Sent,
        new DropCounters(a.Dropped.QueueFull + b.Dropped.QueueFull, a.Dropped.Red + b.Dropped.Red, a.Dropped.Pie + b.Dropped.Pie));

    /// <summary>The sum of two sets of counters.</summary>
    public static ReplayCounters Add(ReplayCounters a, ReplayCounters b) => a + b;
}
