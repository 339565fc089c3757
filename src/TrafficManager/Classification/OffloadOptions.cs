using System;

namespace Qos.TrafficManager.Classification;

/// <summary>The offload table: its size, the pending set's size, and rate-based rebalancing.</summary>
public sealed class OffloadOptions
{
    /// <summary>
    /// Flows the table holds (a power of two); 0, the default, turns the table off. It pays only when the rule list
    /// is long and a few flows carry most packets (the README's "Classifier and offload table" has the figures).
    /// </summary>
    public int Entries { get; set; }

    /// <summary>Sampled candidates remembered while the table is full (0: as many as <see cref="Entries"/>).</summary>
    public int Pending { get; set; }

    /// <summary>Whether pending flows replace slower offloaded flows every <see cref="Interval"/>.</summary>
    public bool Rebalance { get; set; }

    /// <summary>The rate-measurement and rebalancing interval (3 s by default).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Swaps at most per interval (64 by default).</summary>
    public int MaxSwaps { get; set; } = 64;

    /// <summary>
    /// One miss of a full table in this many (on average) is sampled for the pending set, and pending rates are
    /// estimated from the samples (16 by default, 1..4096; 1 counts every miss exactly, at the cost of a pending
    /// probe per miss).
    /// </summary>
    public int PendingSample { get; set; } = 16;
}
