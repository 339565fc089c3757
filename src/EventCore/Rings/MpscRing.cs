using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Qos.EventCore.Rings;

/// <summary>
/// A bounded, lock-free ring for many producers and one consumer.
/// </summary>
/// <remarks>
/// Producers reserve a run of positions by moving <see cref="RingIndices.Tail"/> with one compare-and-swap, then
/// write each slot and publish it by storing its position in the slot's sequence. No producer ever waits for
/// another: the consumer reads slots from <see cref="RingIndices.Head"/> while their sequence matches and stops
/// at the first one not yet published, so a producer preempted between reserving and publishing delays only
/// what follows it (the property that matters when there are more threads than cores). The consumer moves the
/// head after copying, which is what frees slots for producers. Producers check free space against a shared
/// cached head on the tail's line and read the real head only when that copy says the ring looks full.
/// </remarks>
internal sealed class MpscRing<T>
    where T : unmanaged
{
    private readonly RingSlot<T>[] _slots;
    private readonly long _mask;
    private RingIndices _indices;

    public MpscRing(int capacity)
    {
        if (capacity < 2 || !BitOperations.IsPow2(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"ring capacity {capacity} must be a power of two of at least 2");
        }

        _slots = new RingSlot<T>[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _slots[i].Sequence = -1;
        }

        _mask = capacity - 1;
    }

    public int Capacity => _slots.Length;

    /// <summary>Items published or reserved and not yet consumed (a snapshot; exact when nobody is enqueuing).</summary>
    public int Count => (int)(Volatile.Read(ref _indices.Tail) - Volatile.Read(ref _indices.Head));

    /// <summary>Consumer only: whether the next slot holds a published item.</summary>
    public bool HasItem
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            long head = _indices.Head;
            return Volatile.Read(ref SlotAt(head).Sequence) == head;
        }
    }

    /// <summary>Adds all of <paramref name="items"/> or none (when the ring lacks room).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnqueue(ReadOnlySpan<T> items)
    {
        if (!TryReserve(items.Length, out long position))
        {
            return false;
        }

        Publish(position, items);
        return true;
    }

    /// <summary>
    /// Reserves <paramref name="n"/> consecutive positions from the tail, or none when the ring lacks room. The
    /// reserved slots stay unpublished (they stop the consumer) until <see cref="Publish"/>; split from
    /// <see cref="TryEnqueue(ReadOnlySpan{T})"/> so that tests can hold a reservation open, as a preempted producer does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool TryReserve(int n, out long position)
    {
        Debug.Assert(n > 0 && n <= _slots.Length, "a burst is non-empty and fits the ring");
        long tail = Volatile.Read(ref _indices.Tail);
        while (true)
        {
            if (tail + n - Volatile.Read(ref _indices.HeadCache) > _slots.Length && !RefreshHead(tail, n))
            {
                position = 0;
                return false;
            }

            long seen = Interlocked.CompareExchange(ref _indices.Tail, tail + n, tail);
            if (seen == tail)
            {
                position = tail;
                return true;
            }

            tail = seen;
        }
    }

    /// <summary>Writes and publishes <paramref name="items"/> into the slots reserved at <paramref name="position"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Publish(long position, ReadOnlySpan<T> items)
    {
        for (int i = 0; i < items.Length; i++)
        {
            ref RingSlot<T> slot = ref SlotAt(position + i);
            Debug.Assert(Volatile.Read(ref slot.Sequence) < position + i, "a reserved slot is never already published for its position");
            slot.Value = items[i];
            Volatile.Write(ref slot.Sequence, position + i);
        }
    }

    /// <summary>Adds one item, or returns false when the ring is full.</summary>
    public bool TryEnqueue(in T item) => TryEnqueue(new ReadOnlySpan<T>(in item));

    /// <summary>Every position reserved so far is below this (a snapshot: producers may reserve more meanwhile).</summary>
    public long ReservedEnd => Volatile.Read(ref _indices.Tail);

    /// <summary>Consumer only: the next position to read.</summary>
    public long ReadPosition => _indices.Head;

    /// <summary>
    /// Consumer only: the first position from <paramref name="from"/> (or the head, if later) up to
    /// <paramref name="end"/> whose slot is not yet published, or <paramref name="end"/> when all of them are.
    /// Published slots stay published until the consumer takes them, so a caller may resume a scan where the last
    /// one stopped.
    /// </summary>
    public long FirstUnpublished(long from, long end)
    {
        long position = Math.Max(from, _indices.Head);
        while (position < end && Volatile.Read(ref SlotAt(position).Sequence) == position)
        {
            position++;
        }

        return position;
    }

    /// <summary>Consumer only: moves up to <c>destination.Length</c> published items out, oldest first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Dequeue(Span<T> destination)
    {
        long head = _indices.Head;
        int i = 0;
        for (; i < destination.Length; i++)
        {
            ref RingSlot<T> slot = ref SlotAt(head + i);
            if (Volatile.Read(ref slot.Sequence) != head + i)
            {
                break;
            }

            destination[i] = slot.Value;
        }

        if (i > 0)
        {
            // Why: release store; the copies above happen before producers may reuse these slots.
            Volatile.Write(ref _indices.Head, head + i);
        }

        return i;
    }

    /// <summary>Consumer only: takes one item if one is published.</summary>
    public bool TryDequeue(out T item)
    {
        long head = _indices.Head;
        ref RingSlot<T> slot = ref SlotAt(head);
        if (Volatile.Read(ref slot.Sequence) != head)
        {
            item = default;
            return false;
        }

        item = slot.Value;
        Volatile.Write(ref _indices.Head, head + 1);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RefreshHead(long tail, int n)
    {
        long head = Volatile.Read(ref _indices.Head);
        // Why: racing producers may store an older head here; that is only pessimistic, never unsafe.
        Volatile.Write(ref _indices.HeadCache, head);
        return tail + n - head <= _slots.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref RingSlot<T> SlotAt(long position) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), (nint)(position & _mask));

    /// <summary>For the layout test: the byte distance from the tail to the head index.</summary>
    internal nint TailToHeadDistance() => Unsafe.ByteOffset(ref Unsafe.As<long, byte>(ref _indices.Tail), ref Unsafe.As<long, byte>(ref _indices.Head));
}
