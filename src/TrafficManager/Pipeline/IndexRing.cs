using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// A bounded ring of indices for many producers and many consumers (Dmitry Vyukov's bounded MPMC queue).
/// </summary>
/// <remarks>
/// Each cell carries a sequence number that says which position may use it next: an enqueuer at position
/// <c>p</c> waits for sequence <c>p</c>, claims the position by moving the tail with one compare-and-swap, writes
/// the value and publishes it by storing <c>p + 1</c>; a dequeuer at <c>p</c> waits for <c>p + 1</c>, claims the
/// head the same way, reads the value and frees the cell for the next lap by storing <c>p + capacity</c>. Threads
/// contend only on the position they claim, never on a lock. A thread stopped between its claim and its store
/// holds up that one cell: a dequeue that reaches it reports the ring empty (<see cref="TryDequeue"/> never waits),
/// an enqueue that reaches it waits for it (<see cref="Enqueue"/> must not fail; see there).
/// </remarks>
internal sealed class IndexRing
{
    private readonly IndexRingCell[] _cells;
    private readonly long _mask;
    private IndexRingPositions _positions;

    /// <summary>Creates a ring of at least <paramref name="minimumCapacity"/> cells holding the indices <c>0..filled-1</c>.</summary>
    public IndexRing(int minimumCapacity, int filled)
    {
        Debug.Assert(minimumCapacity > 0 && minimumCapacity <= 1 << 30, "a ring of at most 2^30 cells");
        Debug.Assert((uint)filled <= (uint)minimumCapacity, "the ring starts with at most its capacity");
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)minimumCapacity);
        _cells = new IndexRingCell[capacity];
        _mask = capacity - 1;
        for (int i = 0; i < capacity; i++)
        {
            _cells[i].Sequence = i < filled ? i + 1 : i;
            _cells[i].Value = i;
        }

        _positions.Tail = filled;
    }

    /// <summary>Cells in the ring (a power of two).</summary>
    public int Capacity => _cells.Length;

    /// <summary>Indices in the ring now (a snapshot; exact when no thread is enqueuing or dequeuing).</summary>
    public int Count
    {
        get
        {
            long head = Volatile.Read(ref _positions.Head);
            long tail = Volatile.Read(ref _positions.Tail);
            return (int)Math.Clamp(tail - head, 0, _cells.Length);
        }
    }

    /// <summary>Takes the oldest index, or returns false when the ring is empty (or its oldest index is still being published).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryDequeue(out int value)
    {
        long position = Volatile.Read(ref _positions.Head);
        while (true)
        {
            ref IndexRingCell cell = ref _cells[position & _mask];
            long sequence = Volatile.Read(ref cell.Sequence);
            long ahead = sequence - (position + 1);
            if (ahead == 0)
            {
                long seen = Interlocked.CompareExchange(ref _positions.Head, position + 1, position);
                if (seen == position)
                {
                    value = cell.Value;
                    Volatile.Write(ref cell.Sequence, position + _cells.Length);
                    return true;
                }

                position = seen;
            }
            else if (ahead < 0)
            {
                value = -1;
                return false;
            }
            else
            {
                // Another dequeuer took this position first: start again from the current head.
                position = Volatile.Read(ref _positions.Head);
            }
        }
    }

    /// <summary>Adds an index. The caller guarantees the ring holds fewer indices than its capacity.</summary>
    /// <remarks>
    /// Why it may wait: with room guaranteed, the cell at the tail can still be held by a dequeuer of the previous
    /// lap that has claimed it but not yet freed it (it is a few instructions from done, unless preempted). Failing
    /// would lose the index, so the enqueue waits for that dequeuer instead, out of line.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enqueue(int value)
    {
        long position = Volatile.Read(ref _positions.Tail);
        while (true)
        {
            ref IndexRingCell cell = ref _cells[position & _mask];
            long sequence = Volatile.Read(ref cell.Sequence);
            long behind = sequence - position;
            if (behind == 0)
            {
                long seen = Interlocked.CompareExchange(ref _positions.Tail, position + 1, position);
                if (seen == position)
                {
                    cell.Value = value;
                    Volatile.Write(ref cell.Sequence, position + 1);
                    return;
                }

                position = seen;
            }
            else if (behind < 0)
            {
                position = WaitForCell(position);
            }
            else
            {
                // Another enqueuer took this position first: start again from the current tail.
                position = Volatile.Read(ref _positions.Tail);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long WaitForCell(long position)
    {
        Debug.Assert(
            position - Volatile.Read(ref _positions.Head) < _cells.Length,
            "an enqueue waits only for a dequeuer still freeing its cell, never because the ring is full");
        var spin = default(SpinWait);
        ref IndexRingCell cell = ref _cells[position & _mask];
        while (Volatile.Read(ref cell.Sequence) < position && Volatile.Read(ref _positions.Tail) == position)
        {
            spin.SpinOnce();
        }

        return Volatile.Read(ref _positions.Tail);
    }
}
