namespace Qos.TrafficManager.Classification;

/// <summary>The offload table's counters (cumulative since the classifier was created, sizes as of now).</summary>
public readonly record struct OffloadStats
{
    /// <summary>Flows in the table now.</summary>
    public int Offloaded { get; init; }

    /// <summary>Flows waiting for room now (sampled while the table was full, sampled again in the last interval).</summary>
    public int Pending { get; init; }

    /// <summary>The table's bound on flows.</summary>
    public int Capacity { get; init; }

    /// <summary>Lookups (parsed frames).</summary>
    public long Lookups { get; init; }

    /// <summary>Lookups answered by the table.</summary>
    public long Hits { get; init; }

    /// <summary><see cref="Hits"/> / <see cref="Lookups"/> (0 before any lookup).</summary>
    public double HitRate => Lookups == 0 ? 0 : (double)Hits / Lookups;

    /// <summary>Offloaded flows replaced by faster pending flows.</summary>
    public long Swaps { get; init; }

    /// <summary>Pending flows moved into free room at a rebalance.</summary>
    public long Promotions { get; init; }

    /// <summary>New flows not remembered because the pending set (or the flow's bucket in it) was full too.</summary>
    public long PendingOverflows { get; init; }

    /// <summary>Misses of a full table sampled for the pending set (one in <see cref="OffloadOptions.PendingSample"/> on average).</summary>
    public long Sampled { get; init; }

    /// <summary>Times a flow found its bucket full while the table had room (a miss, or a promotion turned away).</summary>
    public long BucketFull { get; init; }

    /// <summary>Rebalancing passes run.</summary>
    public long Rebalances { get; init; }

    /// <summary>Out of resources: the table is full and flows are waiting for it.</summary>
    public bool OutOfResources { get; init; }
}
