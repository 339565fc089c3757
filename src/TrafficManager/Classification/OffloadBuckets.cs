using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// A bounded exact-match set of flows (the offload table's offloaded flows, or its pending ones), in which a probe
/// reads one 64-byte line and nothing more.
/// </summary>
/// <remarks>
/// <para>A flow lives in the one bucket its hash in the set picks (the low bits): 16 slots whose 32-bit tags (the
/// hash's high half, low bit forced to 1 so that 0 marks a free slot) fill one cache line and are compared at once.
/// Only a slot whose tag matches has its entry read, a 64-byte line of its own holding the key, the flow id and the
/// flow's data; with 31 tag bits a miss into a half-full bucket reads an entry about once in 2^28 probes. A full
/// bucket turns the flow away (the caller treats it as no room) rather than spilling into the next: there is no
/// probe sequence, so no probe grows, and removing a flow is clearing its tag, with no tombstones.</para>
/// <para>Sized at twice the capacity (at most half full), a full set of 4096 flows puts 8 flows in a bucket on
/// average (Poisson); about 0.08% of flows find their bucket full, so the set holds almost all of its capacity.</para>
/// </remarks>
internal sealed class OffloadBuckets
{
    public const int BucketSlots = 16;

    private readonly CacheLineArray<uint> _tags;
    private readonly CacheLineArray<OffloadEntry> _entries;
    private readonly int _bucketMask;
    private readonly int _rotation;
    private int _count;
    private long _slotsProbed;
    private long _keyCompares;

    /// <param name="capacity">The flows the set must hold.</param>
    /// <param name="rotation">Bits a flow's <see cref="FlowKey.TableHash"/> is rotated by to give its hash in this set (<see cref="HashOf"/>).</param>
    public OffloadBuckets(int capacity, int rotation)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Debug.Assert(Unsafe.SizeOf<OffloadEntry>() == CacheLineArray<OffloadEntry>.LineBytes, "an entry is one cache line");
        Debug.Assert(BucketSlots * sizeof(uint) == CacheLineArray<uint>.LineBytes, "a bucket's tags are one cache line");
        int slots = (int)Math.Max(BucketSlots, BitOperations.RoundUpToPowerOf2((uint)capacity * 2));
        _tags = new CacheLineArray<uint>(slots);
        _entries = new CacheLineArray<OffloadEntry>(slots);
        _bucketMask = slots / BucketSlots - 1;
        _rotation = rotation;
    }

    /// <summary>Flows in the set.</summary>
    public int Count => _count;

    /// <summary>Slots (free and used).</summary>
    public int Slots => _tags.Length;

    /// <summary>Tags compared by <see cref="Find"/> so far, <see cref="BucketSlots"/> per probe (one line); counted in Debug builds only.</summary>
    public long SlotsProbed => _slotsProbed;

    /// <summary>Entries whose key <see cref="Find"/> compared so far (one per hit, plus tag collisions); counted in Debug builds only.</summary>
    public long KeyCompares => _keyCompares;

    /// <summary>A flow's hash in this set: its table hash rotated (callers on the hot path rotate the hash they have).</summary>
    public ulong HashOf(in FlowKey key) => BitOperations.RotateLeft(key.TableHash(), _rotation);

    /// <summary>The entry in <paramref name="slot"/>.</summary>
    public ref OffloadEntry this[int slot]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _entries[slot];
    }

    /// <summary>Whether <paramref name="slot"/> holds a flow.</summary>
    public bool IsUsed(int slot) => _tags[slot] != 0;

    /// <summary>Buckets of <see cref="BucketSlots"/> slots (bucket <c>b</c> is slots <c>16 b</c> to <c>16 b + 15</c>).</summary>
    public int Buckets => _bucketMask + 1;

    /// <summary>A bit per used slot of bucket <paramref name="bucket"/>.</summary>
    public uint Used(int bucket) => ~Match(bucket * BucketSlots, 0) & ((1u << BucketSlots) - 1);

    /// <summary>The entry holding the flow, or a null reference; <paramref name="hash"/> is the flow's hash in this set (see <see cref="OffloadTable"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref OffloadEntry Find(in FlowKey key, ulong hash)
    {
        CountProbe();
        int first = Bucket(hash);
        for (uint matches = Match(first, Tag(hash)); matches != 0; matches &= matches - 1)
        {
            ref var entry = ref _entries[first + BitOperations.TrailingZeroCount(matches)];
            CountKeyCompare();
            if (SameKey(in entry.Key, in key))
            {
                return ref entry;
            }
        }

        return ref Unsafe.NullRef<OffloadEntry>();
    }

    /// <summary>The slot holding the flow, or -1 (not counted: for rebalancing, invariants and tests).</summary>
    public int FindSlot(in FlowKey key, ulong hash)
    {
        int first = Bucket(hash);
        for (uint matches = Match(first, Tag(hash)); matches != 0; matches &= matches - 1)
        {
            int slot = first + BitOperations.TrailingZeroCount(matches);
            if (SameKey(in _entries[slot].Key, in key))
            {
                return slot;
            }
        }

        return -1;
    }

    /// <summary>Removes the flow in <paramref name="entry"/>, a reference <see cref="Find"/> returned.</summary>
    public void Remove(ref OffloadEntry entry) =>
        Remove((int)(Unsafe.ByteOffset(ref _entries[0], ref entry) / Unsafe.SizeOf<OffloadEntry>()));

    /// <summary>Adds a flow known to be absent; its slot, or -1 when its bucket is full.</summary>
    /// <remarks>Not counted in <see cref="SlotsProbed"/>: per packet it only follows a <see cref="Find"/> of the same bucket, whose line it re-reads.</remarks>
    public int TryAdd(in FlowKey key, ulong hash, ulong flowId, ulong data)
    {
        Debug.Assert(FindSlot(in key, hash) < 0, "a flow is in a set at most once");
        int first = Bucket(hash);
        uint free = Match(first, 0);
        if (free == 0)
        {
            return -1;
        }

        int slot = first + BitOperations.TrailingZeroCount(free);
        ref var entry = ref _entries[slot];
        entry.Key = key;
        entry.FlowId = flowId;
        entry.Data = data;
        _tags[slot] = Tag(hash);
        _count++;
        return slot;
    }

    /// <summary>Removes the flow in <paramref name="slot"/>.</summary>
    public void Remove(int slot)
    {
        Debug.Assert(_tags[slot] != 0, "only a used slot is freed");
        _tags[slot] = 0;
        _count--;
    }

    [Conditional("DEBUG")]
    public void AssertInvariants()
    {
        int used = 0;
        for (int slot = 0; slot < Slots; slot++)
        {
            if (_tags[slot] != 0)
            {
                used++;
                ref var e = ref _entries[slot];
                ulong hash = HashOf(in e.Key);
                Debug.Assert(_tags[slot] == Tag(hash) && Bucket(hash) == (slot & ~(BucketSlots - 1)), "a flow sits in its own bucket under its own tag");
                Debug.Assert(FindSlot(in e.Key, hash) == slot, "a flow is in a set once");
                Debug.Assert(e.FlowId == e.Key.FlowId, "an entry's flow id is its key's");
            }
        }

        Debug.Assert(used == _count, "the count matches the used slots");
    }

    // Why Debug only: they would add two read-modify-writes to every probe for the sake of tests, which run Debug.
    [Conditional("DEBUG")]
    private void CountProbe() => _slotsProbed += BucketSlots;

    [Conditional("DEBUG")]
    private void CountKeyCompare() => _keyCompares++;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Tag(ulong hash) => (uint)(hash >> 32) | 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Bucket(ulong hash) => ((int)hash & _bucketMask) * BucketSlots;

    /// <summary>A bit per slot of the bucket at <paramref name="first"/> whose tag is <paramref name="tag"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint Match(int first, uint tag)
    {
        Debug.Assert(first % BucketSlots == 0 && first + BucketSlots <= Slots, "a bucket lies within the tags");
        ref uint tags = ref _tags[first];
        var q = Vector128.Create(tag);
        uint m0 = Vector128.Equals(Vector128.LoadUnsafe(ref tags), q).ExtractMostSignificantBits();
        uint m1 = Vector128.Equals(Vector128.LoadUnsafe(ref tags, 4), q).ExtractMostSignificantBits();
        uint m2 = Vector128.Equals(Vector128.LoadUnsafe(ref tags, 8), q).ExtractMostSignificantBits();
        uint m3 = Vector128.Equals(Vector128.LoadUnsafe(ref tags, 12), q).ExtractMostSignificantBits();
        return m0 | (m1 << 4) | (m2 << 8) | (m3 << 12);
    }

    /// <summary>
    /// Key equality over the key's 44 bytes of fields (addresses, then ports, VLANs, protocol, DSCP, version and
    /// tags, with no padding between them), as two vectors and two words instead of ten field compares.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool SameKey(in FlowKey a, in FlowKey b)
    {
        ref byte x = ref Unsafe.As<FlowKey, byte>(ref Unsafe.AsRef(in a));
        ref byte y = ref Unsafe.As<FlowKey, byte>(ref Unsafe.AsRef(in b));
        var addresses = (Vector128.LoadUnsafe(ref x) ^ Vector128.LoadUnsafe(ref y)) | (Vector128.LoadUnsafe(ref x, 16) ^ Vector128.LoadUnsafe(ref y, 16));
        bool same = addresses == Vector128<byte>.Zero
            && Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref x, 32)) == Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref y, 32))
            && Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref x, 40)) == Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref y, 40));
        Debug.Assert(same == a.Equals(b), "the byte compare covers exactly the key's fields");
        return same;
    }
}
