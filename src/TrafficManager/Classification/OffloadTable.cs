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
/// found the offloaded table full and so take the slow path. A hit or a pending packet bumps the flow's
/// packet count for the current interval; nothing is allocated per packet.</para>
/// <para>Every interval <see cref="Rebalance"/> ranks by packets per second over the interval (the same elapsed
/// time for every flow, so by packet count): pending flows idle for the whole interval are forgotten, the fastest
/// pending flows fill any free room, then the fastest remaining pending flow replaces the slowest offloaded flow
/// while it is strictly faster, at most <c>maxSwaps</c> times. A demoted flow becomes pending. Both tables are
/// then rebuilt from the decision, which needs no deletion in a probed table and costs O(n log n) per interval.</para>
/// <para>Out of resources (OOR) is set when a new flow finds the table full and stays set while flows are pending.</para>
/// </remarks>
internal sealed class OffloadTable
{
    private readonly Slot[] _offload;
    private readonly Slot[] _pending;
    private readonly Slot[] _offloadScratch;
    private readonly Slot[] _pendingScratch;
    private readonly ulong[] _offloadOrder;
    private readonly ulong[] _pendingOrder;
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
        _pending = new Slot[(int)BitOperations.RoundUpToPowerOf2((uint)pending) * 2];
        _offloadScratch = new Slot[entries];
        _pendingScratch = new Slot[pending];
        _offloadOrder = new ulong[entries];
        _pendingOrder = new ulong[pending];
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
        int mask = _offload.Length - 1;
        for (int i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            ref var slot = ref _offload[i];
            if (!slot.Used)
            {
                route = 0;
                return false;
            }

            if (slot.Hash == hash && slot.Key.Equals(key))
            {
                slot.Packets++;
                _hits++;
                route = slot.Route;
                return true;
            }
        }
    }

    /// <summary>A flow the table missed, classified by the slow path: offload it if there is room, else count it as pending.</summary>
    public void AddMiss(in FlowKey key, ulong hash, ulong route)
    {
        if (_offloadCount < _entries)
        {
            Insert(_offload, in key, hash, route, 1);
            _offloadCount++;
            return;
        }

        _outOfResources = true;
        int mask = _pending.Length - 1;
        for (int i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            ref var slot = ref _pending[i];
            if (!slot.Used)
            {
                break;
            }

            if (slot.Hash == hash && slot.Key.Equals(key))
            {
                slot.Packets++;
                return;
            }
        }

        if (_pendingCount == _pendingLimit)
        {
            _pendingOverflows++;
            return;
        }

        Insert(_pending, in key, hash, route, 1);
        _pendingCount++;
    }

    /// <summary>
    /// The flow's packets per second in the current interval and whether it is offloaded; false when the table
    /// knows nothing of it.
    /// </summary>
    public bool TryGetRate(in FlowKey key, long now, out double packetsPerSecond, out bool offloaded)
    {
        ulong hash = key.TableHash(key.FlowId);
        double seconds = Math.Max(now - _intervalStart, 1) / 1e9;
        offloaded = Find(_offload, in key, hash, out uint packets);
        if (offloaded || Find(_pending, in key, hash, out packets))
        {
            packetsPerSecond = packets / seconds;
            return true;
        }

        packetsPerSecond = 0;
        return false;
    }

    /// <summary>Ends the interval: with <paramref name="rebalance"/>, promotes and swaps as described above; always resets the rates.</summary>
    public void Rebalance(long now, bool rebalance = true)
    {
        int offloaded = Drain(_offload, _offloadScratch);
        int pending = 0;
        foreach (ref var slot in _pending.AsSpan())
        {
            // Why: a pending flow idle for a whole interval is gone; forgetting it keeps the pending set to live flows.
            if (slot.Used && slot.Packets > 0)
            {
                _pendingScratch[pending++] = slot;
            }

            slot = default;
        }

        Debug.Assert(offloaded == _offloadCount && pending <= _pendingCount);

        // Why: ranking sorts 8-byte keys (rate in the high half, scratch index in the low half) rather than the
        // 80-byte slots; a primitive sort is several times faster, and the index breaks ties deterministically.
        var slowest = _offloadOrder.AsSpan(0, offloaded);
        var fastest = _pendingOrder.AsSpan(0, pending);
        for (int i = 0; i < offloaded; i++)
        {
            slowest[i] = ((ulong)_offloadScratch[i].Packets << 32) | (uint)i;
        }

        for (int i = 0; i < pending; i++)
        {
            fastest[i] = ((ulong)(uint.MaxValue - _pendingScratch[i].Packets) << 32) | (uint)i;
        }

        int promoted = 0;
        int swapped = 0;
        if (rebalance)
        {
            fastest.Sort();
            slowest.Sort();
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
        foreach (ulong order in slowest.Slice(swapped))
        {
            ref readonly var slot = ref Offloaded(order);
            Insert(_offload, in slot.Key, slot.Hash, slot.Route, 0);
            _offloadCount++;
        }

        foreach (ulong order in fastest.Slice(0, promoted + swapped))
        {
            ref readonly var slot = ref Pending(order);
            Insert(_offload, in slot.Key, slot.Hash, slot.Route, 0);
            _offloadCount++;
        }

        foreach (ulong order in fastest.Slice(promoted + swapped))
        {
            AddPending(in Pending(order));
        }

        foreach (ulong order in slowest.Slice(0, swapped))
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
            offloaded += slot.Used ? 1 : 0;
        }

        int pending = 0;
        foreach (ref readonly var slot in _pending.AsSpan())
        {
            pending += slot.Used ? 1 : 0;
            Debug.Assert(!slot.Used || !Find(_offload, in slot.Key, slot.Hash, out _), "a flow is either offloaded or pending, never both");
        }

        Debug.Assert(offloaded == _offloadCount && offloaded <= _entries, "the offload count matches the table and stays within its bound");
        Debug.Assert(pending == _pendingCount && pending <= _pendingLimit, "the pending count matches the set and stays within its bound");
    }

    private ref Slot Offloaded(ulong order) => ref _offloadScratch[(int)(uint)order];

    private ref Slot Pending(ulong order) => ref _pendingScratch[(int)(uint)order];

    private void AddPending(in Slot slot)
    {
        if (_pendingCount < _pendingLimit)
        {
            Insert(_pending, in slot.Key, slot.Hash, slot.Route, 0);
            _pendingCount++;
        }
        else
        {
            _pendingOverflows++;
        }
    }

    private static int Drain(Slot[] table, Slot[] into)
    {
        int n = 0;
        foreach (ref var slot in table.AsSpan())
        {
            if (slot.Used)
            {
                into[n++] = slot;
            }

            slot = default;
        }

        return n;
    }

    private static bool Find(Slot[] table, in FlowKey key, ulong hash, out uint packets)
    {
        int mask = table.Length - 1;
        for (int i = (int)hash & mask; table[i].Used; i = (i + 1) & mask)
        {
            if (table[i].Hash == hash && table[i].Key.Equals(key))
            {
                packets = table[i].Packets;
                return true;
            }
        }

        packets = 0;
        return false;
    }

    private static void Insert(Slot[] table, in FlowKey key, ulong hash, ulong route, uint packets)
    {
        int mask = table.Length - 1;
        int i = (int)hash & mask;
        while (table[i].Used)
        {
            Debug.Assert(!(table[i].Hash == hash && table[i].Key.Equals(key)), "a flow is in a table at most once");
            i = (i + 1) & mask;
        }

        table[i] = new Slot { Key = key, Hash = hash, Route = route, Packets = packets, Used = true };
    }

    private struct Slot
    {
        public FlowKey Key;
        public ulong Hash;
        public ulong Route;
        public uint Packets;
        public bool Used;
    }
}
