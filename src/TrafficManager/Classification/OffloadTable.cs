using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// A bounded exact-match flow table in front of the classifier's rule path, after OVS's offload rebalancing.
/// </summary>
/// <remarks>
/// <para>Two open-addressing tables with linear probing, each at most half full (power-of-two slots):
/// the offloaded flows (at most <c>entries</c>) and the pending flows (at most <c>pending</c>), new flows that
/// found the offloaded table full and so take the slow path. A probe reads 16-byte slots (the flow's 64-bit table
/// hash, and its route packed with its packet count); only a slot whose hash matches has its full key compared, in
/// an array of its own, so a 4096-flow table probes 128 KiB. A hit or a pending packet bumps the flow's packet count
/// for the current interval (saturating at 2^28 - 1); nothing is allocated per packet.</para>
/// <para>Every interval <see cref="Rebalance"/> ranks by packets per second over the interval (the same elapsed
/// time for every flow, so by packet count): pending flows idle for the whole interval are forgotten, the fastest
/// pending flows fill any free room, then the fastest remaining pending flow replaces the slowest offloaded flow
/// while it is strictly faster, at most <c>maxSwaps</c> times. A demoted flow becomes pending. Both tables are
/// then rebuilt from the decision, which needs no deletion in a probed table and costs O(n log n) per interval.</para>
/// <para>Out of resources (OOR) is set when a new flow finds the table full and stays set while flows are pending.</para>
/// </remarks>
internal sealed class OffloadTable
{
    private const int RouteBits = 36;
    private const ulong RouteMask = (1UL << RouteBits) - 1;
    private const ulong OnePacket = 1UL << RouteBits;
    private const uint MaxPackets = (1u << (64 - RouteBits)) - 1;

    /// <summary>Set in every stored hash, so that 0 marks an empty slot; the top bit, since the low bits pick the slot.</summary>
    private const ulong Occupied = 1UL << 63;

    private readonly Slot[] _offload;
    private readonly FlowKey[] _offloadKeys;
    private readonly Slot[] _pending;
    private readonly FlowKey[] _pendingKeys;
    private readonly Entry[] _offloadScratch;
    private readonly Entry[] _pendingScratch;
    private readonly ulong[] _offloadOrder;
    private readonly ulong[] _pendingOrder;
    private readonly int[] _offloadRank;
    private readonly int[] _pendingRank;
    private readonly int _entries;
    private readonly int _pendingLimit;
    private readonly int _maxSwaps;
    private int _offloadCount;
    private int _pendingCount;
    private long _intervalStart;
    private long _lookups;
    private long _hits;
    private long _swaps;
    private long _promotions;
    private long _pendingOverflows;
    private long _rebalances;
    private bool _outOfResources;

    public OffloadTable(int entries, int pending, int maxSwaps, long now)
    {
        if (entries <= 0 || !BitOperations.IsPow2(entries))
        {
            throw new ArgumentOutOfRangeException(nameof(entries), entries, "must be a power of two");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pending);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSwaps);
        _entries = entries;
        _pendingLimit = pending;
        _maxSwaps = maxSwaps;
        _offload = new Slot[entries * 2];
        _offloadKeys = new FlowKey[entries * 2];
        int pendingSlots = (int)BitOperations.RoundUpToPowerOf2((uint)pending) * 2;
        _pending = new Slot[pendingSlots];
        _pendingKeys = new FlowKey[pendingSlots];
        _offloadScratch = new Entry[entries];
        _pendingScratch = new Entry[pending];
        _offloadOrder = new ulong[entries];
        _pendingOrder = new ulong[pending];
        _offloadRank = new int[entries];
        _pendingRank = new int[pending];
        _intervalStart = now;
    }

    public int Capacity => _entries;

    public int OffloadedCount => _offloadCount;

    public int PendingCount => _pendingCount;

    public OffloadStats Stats => new()
    {
        Offloaded = _offloadCount,
        Pending = _pendingCount,
        Capacity = _entries,
        Lookups = _lookups,
        Hits = _hits,
        Swaps = _swaps,
        Promotions = _promotions,
        PendingOverflows = _pendingOverflows,
        Rebalances = _rebalances,
        OutOfResources = _outOfResources,
    };

    /// <summary>Looks the flow up; on a hit counts the packet and returns the stored route.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryLookup(in FlowKey key, ulong hash, out ulong route)
    {
        _lookups++;
        hash |= Occupied;
        int i = Probe(_offload, _offloadKeys, in key, hash);
        ref var slot = ref _offload[i];
        if (slot.Hash == 0)
        {
            route = 0;
            return false;
        }

        Count(ref slot);
        _hits++;
        route = slot.Data & RouteMask;
        return true;
    }

    /// <summary>A flow the table missed, classified by the slow path: offload it if there is room, else count it as pending.</summary>
    public void AddMiss(in FlowKey key, ulong hash, ulong route)
    {
        Debug.Assert(route <= RouteMask, "a route fits its 36 bits");
        hash |= Occupied;
        if (_offloadCount < _entries)
        {
            Insert(_offload, _offloadKeys, in key, hash, route | OnePacket);
            _offloadCount++;
            return;
        }

        _outOfResources = true;
        int i = Probe(_pending, _pendingKeys, in key, hash);
        if (_pending[i].Hash != 0)
        {
            Count(ref _pending[i]);
            return;
        }

        if (_pendingCount == _pendingLimit)
        {
            _pendingOverflows++;
            return;
        }

        _pending[i] = new Slot { Hash = hash, Data = route | OnePacket };
        _pendingKeys[i] = key;
        _pendingCount++;
    }

    /// <summary>
    /// The flow's packets per second in the current interval and whether it is offloaded; false when the table
    /// knows nothing of it.
    /// </summary>
    public bool TryGetRate(in FlowKey key, long now, out double packetsPerSecond, out bool offloaded)
    {
        ulong hash = key.TableHash(key.FlowId) | Occupied;
        double seconds = Math.Max(now - _intervalStart, 1) / 1e9;
        ref var slot = ref _offload[Probe(_offload, _offloadKeys, in key, hash)];
        offloaded = slot.Hash != 0;
        if (!offloaded)
        {
            slot = ref _pending[Probe(_pending, _pendingKeys, in key, hash)];
        }

        packetsPerSecond = slot.Packets / seconds;
        return slot.Hash != 0;
    }

    /// <summary>Ends the interval: with <paramref name="rebalance"/>, promotes and swaps as described above; always resets the rates.</summary>
    public void Rebalance(long now, bool rebalance = true)
    {
        int offloaded = Drain(_offload, _offloadKeys, _offloadScratch, keepIdle: true);

        // Why: a pending flow idle for a whole interval is gone; forgetting it keeps the pending set to live flows.
        int pending = Drain(_pending, _pendingKeys, _pendingScratch, keepIdle: false);
        Debug.Assert(offloaded == _offloadCount && pending <= _pendingCount);

        // Why: ranking sorts 8-byte keys (rate in the high half) with the scratch indexes alongside, rather than the
        // entries. Ties are broken by the hash's high half, not by the index: the scratch is in slot order, and
        // preferring low slots among equal rates would, interval after interval, crowd the table's flows into
        // some home positions and lengthen every probe.
        var slowestKeys = _offloadOrder.AsSpan(0, offloaded);
        var fastestKeys = _pendingOrder.AsSpan(0, pending);
        var slowest = _offloadRank.AsSpan(0, offloaded);
        var fastest = _pendingRank.AsSpan(0, pending);
        for (int i = 0; i < offloaded; i++)
        {
            slowestKeys[i] = ((ulong)_offloadScratch[i].Packets << 32) | (uint)(_offloadScratch[i].Hash >> 32);
            slowest[i] = i;
        }

        for (int i = 0; i < pending; i++)
        {
            fastestKeys[i] = ((ulong)(uint.MaxValue - _pendingScratch[i].Packets) << 32) | (uint)(_pendingScratch[i].Hash >> 32);
            fastest[i] = i;
        }

        int promoted = 0;
        int swapped = 0;
        if (rebalance)
        {
            fastestKeys.Sort(fastest);
            slowestKeys.Sort(slowest);
            promoted = Math.Min(_entries - offloaded, pending);
            while (swapped < _maxSwaps && swapped < offloaded && promoted + swapped < pending
                   && Pending(fastest[promoted + swapped]).Packets > Offloaded(slowest[swapped]).Packets)
            {
                swapped++;
            }

            _promotions += promoted;
            _swaps += swapped;
            _rebalances++;
        }

        _offloadCount = 0;
        _pendingCount = 0;
        foreach (int order in slowest.Slice(swapped))
        {
            ref readonly var e = ref Offloaded(order);
            Insert(_offload, _offloadKeys, in e.Key, e.Hash, e.Route);
            _offloadCount++;
        }

        foreach (int order in fastest.Slice(0, promoted + swapped))
        {
            ref readonly var e = ref Pending(order);
            Insert(_offload, _offloadKeys, in e.Key, e.Hash, e.Route);
            _offloadCount++;
        }

        foreach (int order in fastest.Slice(promoted + swapped))
        {
            AddPending(in Pending(order));
        }

        foreach (int order in slowest.Slice(0, swapped))
        {
            AddPending(in Offloaded(order));
        }

        _outOfResources = _pendingCount > 0;
        _intervalStart = now;
        AssertInvariants();
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        int offloaded = 0;
        foreach (ref readonly var slot in _offload.AsSpan())
        {
            offloaded += slot.Hash != 0 ? 1 : 0;
        }

        int pending = 0;
        for (int i = 0; i < _pending.Length; i++)
        {
            if (_pending[i].Hash != 0)
            {
                pending++;
                Debug.Assert(_offload[Probe(_offload, _offloadKeys, in _pendingKeys[i], _pending[i].Hash)].Hash == 0, "a flow is either offloaded or pending, never both");
            }
        }

        Debug.Assert(offloaded == _offloadCount && offloaded <= _entries, "the offload count matches the table and stays within its bound");
        Debug.Assert(pending == _pendingCount && pending <= _pendingLimit, "the pending count matches the set and stays within its bound");
    }

    /// <summary>The slot holding the flow, or the empty slot where its probe ends.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Probe(Slot[] table, FlowKey[] keys, in FlowKey key, ulong hash)
    {
        int mask = table.Length - 1;
        int i = (int)hash & mask;
        while (true)
        {
            ulong h = table[i].Hash;
            if (h == 0 || (h == hash && keys[i].Equals(key)))
            {
                return i;
            }

            i = (i + 1) & mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Count(ref Slot slot)
    {
        if (slot.Packets < MaxPackets)
        {
            slot.Data += OnePacket;
        }
    }

    private ref Entry Offloaded(int order) => ref _offloadScratch[order];

    private ref Entry Pending(int order) => ref _pendingScratch[order];

    private void AddPending(in Entry e)
    {
        if (_pendingCount < _pendingLimit)
        {
            Insert(_pending, _pendingKeys, in e.Key, e.Hash, e.Route);
            _pendingCount++;
        }
        else
        {
            _pendingOverflows++;
        }
    }

    /// <summary>Moves the table's flows into <paramref name="into"/> (with their counts) and empties it.</summary>
    private static int Drain(Slot[] table, FlowKey[] keys, Entry[] into, bool keepIdle)
    {
        int n = 0;
        for (int i = 0; i < table.Length; i++)
        {
            ref var slot = ref table[i];
            if (slot.Hash != 0 && (keepIdle || slot.Packets > 0))
            {
                into[n++] = new Entry { Key = keys[i], Hash = slot.Hash, Route = slot.Data & RouteMask, Packets = slot.Packets };
            }

            slot = default;
        }

        return n;
    }

    /// <summary>Adds a flow known to be absent, with the route and count in <paramref name="data"/>.</summary>
    private static void Insert(Slot[] table, FlowKey[] keys, in FlowKey key, ulong hash, ulong data)
    {
        int i = Probe(table, keys, in key, hash);
        Debug.Assert(table[i].Hash == 0, "a flow is in a table at most once");
        table[i] = new Slot { Hash = hash, Data = data };
        keys[i] = key;
    }

    /// <summary>A probed slot: the flow's table hash (0: empty) and its route with its packet count above it.</summary>
    private struct Slot
    {
        public ulong Hash;
        public ulong Data;

        public readonly uint Packets => (uint)(Data >> RouteBits);
    }

    /// <summary>A flow taken out of a table while it is rebuilt.</summary>
    private struct Entry
    {
        public FlowKey Key;
        public ulong Hash;
        public ulong Route;
        public uint Packets;
    }
}
