namespace Qos.EventCore.Rings;

/// <summary>One ring cell: the item and the position it was published for (-1 before the first lap).</summary>
internal struct RingSlot<T>
    where T : unmanaged
{
    public T Value;
    public long Sequence;
}
