namespace Qos.TrafficManager.Stats;

/// <summary>A packet count and the bytes of those packets (frame lengths, without frame overhead).</summary>
public readonly record struct TrafficCounters(long Packets, long Bytes)
{
    /// <summary>Sum of two counters.</summary>
    public static TrafficCounters operator +(TrafficCounters a, TrafficCounters b) => new(a.Packets + b.Packets, a.Bytes + b.Bytes);

    /// <summary>Sum of two counters.</summary>
    public static TrafficCounters Add(TrafficCounters a, TrafficCounters b) => a + b;
}
