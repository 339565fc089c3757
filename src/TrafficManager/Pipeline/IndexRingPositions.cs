using System.Runtime.InteropServices;

namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// The enqueue and dequeue positions of an <see cref="IndexRing"/>, each on its own 128-byte stretch (two cache
/// lines, so the adjacent-line prefetcher does not pair them) with padding before and after.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 384)]
internal struct IndexRingPositions
{
    /// <summary>Next position to enqueue at; returners claim it with compare-and-swap.</summary>
    [FieldOffset(128)]
    public long Tail;

    /// <summary>Next position to dequeue from; renters claim it with compare-and-swap.</summary>
    [FieldOffset(256)]
    public long Head;
}
