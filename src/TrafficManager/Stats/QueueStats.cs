namespace Qos.TrafficManager.Stats;

/// <summary>What one queue sent and dropped since the last clear, and what it holds now.</summary>
public readonly record struct QueueStats(TrafficCounters Sent, DropCounters Dropped, TrafficCounters Queued);
