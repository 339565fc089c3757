namespace Qos.TrafficManager.Stats;

/// <summary>What one traffic class of a subport sent and dropped since the last clear.</summary>
public readonly record struct ClassStats(TrafficCounters Sent, DropCounters Dropped);
