using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using Qos.Shaping.Randomness;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// A bounded exact-match flow table in front of the classifier's rule path, after OVS's offload rebalancing.
/// </summary>
/// <remarks>
/// <para>Two <see cref="OffloadBuckets"/> sets: the offloaded flows (at most <c>entries</c>) and the pending flows
/// (at most <c>pending</c>), candidates that found no room. A lookup probes one bucket of the offloaded set, one
/// 64-byte line of tags; a hit reads the flow's entry (a second line), counts the packet for the current interval
/// (saturating at 2^28 - 1) and returns the stored route and flow id, so a hit runs neither the rules nor the flow
/// id's hash. Nothing is allocated per packet.</para>
/// <para>A miss is offered to the table: while there is room the flow is offloaded at once. Once the table is full
/// a miss does not touch the pending set. One miss in <c>sample</c> on average is let through by a countdown
/// (reset to a random 1..2 x sample - 1, so that no periodic traffic can dodge it); only that miss probes the
/// pending set (one line), counting a sample for a pending flow or making the flow pending. So a miss costs the rule
/// path, one probe and a decrement, plus a pending probe per <c>sample</c> misses; a pending flow's rate is
/// estimated as samples x <c>sample</c>. With <c>sample</c> 1 every miss is counted and the rates are exact.</para>
/// <para>Every interval <see cref="Rebalance"/> ranks by packets per second over the interval (the same elapsed
/// time for every flow, so by packet count, a pending flow's estimated): pending flows with no sample in the
/// interval are forgotten, the fastest pending flows fill any free room, then the fastest remaining pending flow
/// replaces the slowest offloaded flow while it is strictly faster, at most <c>maxSwaps</c> times. A demoted flow
/// becomes pending. Only the moving flows move: removing a flow is clearing its tag, so nothing is rebuilt, and the
/// flows are sorted only when a pending flow is faster than the slowest offloaded one. A flow whose bucket is full
/// stays where it is (counted in <see cref="OffloadStats.BucketFull"/>).</para>
/// <para>Out of resources (OOR) is set when a new flow finds no room (the table, or its bucket, full) and stays set
/// while flows are pending.</para>
/// </remarks>
internal sealed class OffloadTable
{
    /// <summary>The largest <c>sample</c>: beyond it a flow needs thousands of misses in an interval to be seen at all.</summary>
    public const int MaxSample = 4096;

    private const int RouteBits = 36;
    private const ulong RouteMask = (1UL << RouteBits) - 1;
    private const ulong OnePacket = 1UL << RouteBits;
    private const uint MaxPackets = (1u << (64 - RouteBits)) - 1;

    private const int PendingRotation = 32;

    private readonly OffloadBuckets _offload;
    private readonly OffloadBuckets _pending;
    private readonly ulong[] _offloadRanks;
    private readonly ulong[] _pendingRanks;
    private readonly OffloadEntry[] _demoted;
    private readonly int _entries;
    private readonly int _pendingLimit;
    private readonly int _maxSwaps;
    private readonly int _sample;
    private Xorshift32 _random = new(0x5EED0FF1);
    private int _countdown;
    private long _intervalStart;
    private long _lookups;
    private long _hits;
    private long _swaps;
    private long _promotions;
    private long _pendingOverflows;
    private long _rebalances;
    private long _sampled;
    private long _bucketFull;
    private bool _outOfResources;

    public OffloadTable(int entries, int pending, int maxSwaps, int sample, long now)
    {
        if (entries <= 0 || !BitOperations.IsPow2(entries))
        {
            throw new ArgumentOutOfRangeException(nameof(entries), entries, "must be a power of two");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pending);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSwaps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sample);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sample, MaxSample);
        _entries = entries;
        _pendingLimit = pending;
        _maxSwaps = maxSwaps;
        _sample = sample;
        _offload = new OffloadBuckets(entries, rotation: 0);
        _pending = new OffloadBuckets(pending, PendingRotation);
        _offloadRanks = new ulong[entries];
        _pendingRanks = new ulong[pending];
        _demoted = new OffloadEntry[Math.Min(maxSwaps, entries)];
        _countdown = 1;
        _intervalStart = now;
    }

    public int Capacity => _entries;

    public int OffloadedCount => _offload.Count;

    public int PendingCount => _pending.Count;

    /// <summary>Tags compared so far by both sets (16 per probe; Debug builds only), for tests of the probe bound.</summary>
    internal long SlotsProbed => _offload.SlotsProbed + _pending.SlotsProbed;

    /// <summary>Entries whose key was compared so far by both sets (Debug builds only).</summary>
    internal long KeyCompares => _offload.KeyCompares + _pending.KeyCompares;

    public OffloadStats Stats => new()
    {
        Offloaded = _offload.Count,
        Pending = _pending.Count,
        Capacity = _entries,
        Lookups = _lookups,
        Hits = _hits,
        Swaps = _swaps,
        Promotions = _promotions,
        PendingOverflows = _pendingOverflows,
        Rebalances = _rebalances,
        Sampled = _sampled,
        BucketFull = _bucketFull,
        OutOfResources = _outOfResources,
    };

    /// <summary>
    /// Looks the flow up; on a hit counts the packet and returns the stored route and flow id. On a miss
    /// <paramref name="hash"/> (the key's <see cref="FlowKey.TableHash"/>) is for <see cref="AddMiss"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryLookup(in FlowKey key, out ulong hash, out ulong route, out ulong flowId)
    {
        _lookups++;
        hash = key.TableHash();
        ref var entry = ref _offload.Find(in key, hash);
        if (Unsafe.IsNullRef(ref entry))
        {
            route = 0;
            flowId = 0;
            return false;
        }

        flowId = entry.FlowId;
        ref ulong data = ref entry.Data;
        ulong d = data;
        data = Packets(d) < MaxPackets ? d + OnePacket : d;
        _hits++;
        route = d & RouteMask;
        return true;
    }

    /// <summary>A flow the table missed, classified by the slow path: offload it if there is room, else sample it for the pending set.</summary>
    /// <remarks>Why one countdown for both: while the table has room it stays at 1, so every miss reaches
    /// <see cref="Offer"/>; once the table is full a miss is one decrement and a branch.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddMiss(in FlowKey key, ulong hash, ulong flowId, ulong route)
    {
        Debug.Assert(route <= RouteMask, "a route fits its 36 bits");
        if (--_countdown <= 0)
        {
            Offer(in key, hash, flowId, route);
        }
    }

    /// <summary>
    /// The flow's packets per second in the current interval (a pending flow's estimated from its samples) and
    /// whether it is offloaded; false when the table knows nothing of it.
    /// </summary>
    public bool TryGetRate(in FlowKey key, long now, out double packetsPerSecond, out bool offloaded)
    {
        ulong hash = key.TableHash();
        double seconds = Math.Max(now - _intervalStart, 1) / 1e9;
        int slot = _offload.FindSlot(in key, hash);
        offloaded = slot >= 0;
        if (offloaded)
        {
            packetsPerSecond = Packets(_offload[slot].Data) / seconds;
            return true;
        }

        slot = _pending.FindSlot(in key, PendingHash(hash));
        packetsPerSecond = slot >= 0 ? (double)Packets(_pending[slot].Data) * _sample / seconds : 0;
        return slot >= 0;
    }

    /// <summary>Ends the interval: with <paramref name="rebalance"/>, promotes and swaps as described above; always resets the rates.</summary>
    public void Rebalance(long now, bool rebalance = true)
    {
        // Why: a pending flow not sampled for a whole interval is gone (or too slow to matter); forgetting it keeps
        // the pending set to live candidates.
        uint scramble = _random.Next();
        var slowest = Rank(_offload, 1, forgetIdle: false, rebalance, _offloadRanks, scramble, out ulong slowestRate, out _);
        var fastest = Rank(_pending, (ulong)_sample, forgetIdle: true, rebalance, _pendingRanks, scramble, out _, out ulong fastestRate);
        int promoted = Math.Min(_entries - _offload.Count, fastest.Length);
        int swapped = 0;

        // Why the gate: sorting is the rebalance's main cost, and when no pending flow is faster than the slowest
        // offloaded one (the usual state once the table holds the heavy flows) nothing can swap.
        if (promoted < fastest.Length && fastestRate > slowestRate)
        {
            slowest.Sort();
            fastest.Sort();
            while (swapped < _maxSwaps && swapped < slowest.Length && promoted + swapped < fastest.Length
                   && Rate(fastest[^(promoted + swapped + 1)]) > Rate(slowest[swapped]))
            {
                swapped++;
            }
        }
        else if (promoted > 0 && promoted < fastest.Length)
        {
            fastest.Sort();
        }

        for (int i = 0; i < swapped; i++)
        {
            int slot = Slot(slowest[i], scramble);
            _demoted[i] = _offload[slot];
            _offload.Remove(slot);
        }

        for (int i = 0; i < promoted + swapped; i++)
        {
            int slot = Slot(fastest[^(i + 1)], scramble);
            ref var e = ref _pending[slot];
            if (_offload.TryAdd(in e.Key, _offload.HashOf(in e.Key), e.FlowId, e.Data) < 0)
            {
                _bucketFull++;
                continue;
            }

            _pending.Remove(slot);
            _promotions += i < promoted ? 1 : 0;
        }

        for (int i = 0; i < swapped; i++)
        {
            ref var e = ref _demoted[i];
            if (_pending.Count == _pendingLimit || _pending.TryAdd(in e.Key, _pending.HashOf(in e.Key), e.FlowId, e.Data) < 0)
            {
                _pendingOverflows++;
            }
        }

        if (rebalance)
        {
            _swaps += swapped;
            _rebalances++;
        }

        _outOfResources = _pending.Count > 0;
        _countdown = _offload.Count < _entries ? 1 : NextCountdown();
        _intervalStart = now;
        AssertInvariants();
    }

    /// <summary>
    /// Resets every flow's count in <paramref name="set"/> (forgetting idle flows when asked) and, when
    /// <paramref name="rank"/>, writes a ranking key per flow into <paramref name="ranks"/>: its rate (packets x
    /// <paramref name="scale"/>, saturating at 2^32 - 1) above its slot xor <paramref name="scramble"/>. Returns the
    /// keys, unsorted, and the slowest and fastest rates among them.
    /// </summary>
    /// <remarks>Why the scrambled slot breaks rate ties: ties are common (most flows of a light interval have 0 or
    /// 1 packet) and preferring low slots among them would, interval after interval, empty the low buckets and fill
    /// the high ones; a new scramble each interval makes the choice among equals arbitrary instead.</remarks>
    private static Span<ulong> Rank(OffloadBuckets set, ulong scale, bool forgetIdle, bool rank, ulong[] ranks, uint scramble, out ulong slowestRate, out ulong fastestRate)
    {
        int n = 0;
        slowestRate = ulong.MaxValue;
        fastestRate = 0;
        for (int bucket = 0; bucket < set.Buckets; bucket++)
        {
            for (uint used = set.Used(bucket); used != 0; used &= used - 1)
            {
                int slot = bucket * OffloadBuckets.BucketSlots + BitOperations.TrailingZeroCount(used);
                ref var e = ref set[slot];
                uint packets = Packets(e.Data);
                if (forgetIdle && packets == 0)
                {
                    set.Remove(slot);
                    continue;
                }

                e.Data &= RouteMask;
                if (rank)
                {
                    ulong rate = Math.Min(packets * scale, uint.MaxValue);
                    slowestRate = Math.Min(slowestRate, rate);
                    fastestRate = Math.Max(fastestRate, rate);
                    ranks[n++] = (rate << 32) | ((uint)slot ^ scramble);
                }
            }
        }

        return ranks.AsSpan(0, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Rate(ulong rank) => rank >> 32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Slot(ulong rank, uint scramble) => (int)((uint)rank ^ scramble);

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        _offload.AssertInvariants();
        _pending.AssertInvariants();
        for (int slot = 0; slot < _pending.Slots; slot++)
        {
            if (_pending.IsUsed(slot))
            {
                ref var e = ref _pending[slot];
                Debug.Assert(_offload.FindSlot(in e.Key, _offload.HashOf(in e.Key)) < 0, "a flow is either offloaded or pending, never both");
            }
        }

        Debug.Assert(_offload.Count <= _entries, "the table stays within its bound");
        Debug.Assert(_pending.Count <= _pendingLimit, "the pending set stays within its bound");
    }

    /// <summary>
    /// A miss the countdown let through: offloaded while the table has room (its bucket allowing), else a sample
    /// for the pending set.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Offer(in FlowKey key, ulong hash, ulong flowId, ulong route)
    {
        if (_offload.Count < _entries)
        {
            _countdown = 1;
            if (_offload.TryAdd(in key, hash, flowId, route | OnePacket) >= 0)
            {
                // Why: the table has room while flows are pending only when a full bucket turned a promotion away;
                // a pending flow whose bucket has since freed a slot must then leave the pending set.
                if (_pending.Count > 0)
                {
                    ref var stale = ref _pending.Find(in key, PendingHash(hash));
                    if (!Unsafe.IsNullRef(ref stale))
                    {
                        _pending.Remove(ref stale);
                    }
                }

                return;
            }

            // Why: a flow whose bucket is full while the table has room is counted on every miss, not sampled:
            // the state is rare (a few flows in a thousand, before the table fills) and short.
            _bucketFull++;
        }
        else
        {
            _countdown = NextCountdown();
        }

        _outOfResources = true;
        _sampled++;
        ref var pending = ref _pending.Find(in key, PendingHash(hash));
        if (!Unsafe.IsNullRef(ref pending))
        {
            Count(ref pending.Data);
            return;
        }

        if (_pending.Count == _pendingLimit || _pending.TryAdd(in key, PendingHash(hash), flowId, route | OnePacket) < 0)
        {
            _pendingOverflows++;
        }
    }

    /// <summary>
    /// A flow's hash in the pending set: its table hash rotated by half, so that the pending set's bucket comes
    /// from the bits the offloaded set's tags use, and its tag from the bits that pick an offloaded bucket.
    /// </summary>
    /// <remarks>Why: flows turned away by one full offloaded bucket then spread over the pending set's buckets.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong PendingHash(ulong hash) => BitOperations.RotateLeft(hash, PendingRotation);

    private int NextCountdown() => _sample == 1 ? 1 : 1 + (int)_random.Below((uint)(2 * _sample - 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Packets(ulong data) => (uint)(data >> RouteBits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Count(ref ulong data)
    {
        if (Packets(data) < MaxPackets)
        {
            data += OnePacket;
        }
    }
}
