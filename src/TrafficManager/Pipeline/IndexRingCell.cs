namespace Qos.TrafficManager.Pipeline;

/// <summary>One cell of an <see cref="IndexRing"/>: the index it holds and the sequence that says whose turn it is.</summary>
internal struct IndexRingCell
{
    /// <summary>
    /// <c>position</c>: free for the enqueue at <c>position</c>; <c>position + 1</c>: holds the value enqueued at
    /// <c>position</c>, ready for the dequeue there. A dequeue hands the cell to the enqueue one lap later.
    /// </summary>
    public long Sequence;

    /// <summary>The index the cell holds.</summary>
    public int Value;
}
