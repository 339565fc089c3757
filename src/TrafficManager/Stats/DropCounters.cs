namespace Qos.TrafficManager.Stats;

/// <summary>Drops by reason.</summary>
public readonly record struct DropCounters(TrafficCounters QueueFull, TrafficCounters Red, TrafficCounters Pie)
{
    /// <summary>All drops.</summary>
    public TrafficCounters Total => QueueFull + Red + Pie;

    /// <summary>Drops for <paramref name="reason"/>.</summary>
    public TrafficCounters this[DropReason reason] => reason switch
    {
        DropReason.QueueFull => QueueFull,
        DropReason.Red => Red,
        _ => Pie,
    };
}
