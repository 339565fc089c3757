using System.Runtime.InteropServices;

namespace Qos.EventCore.Rings;

/// <summary>
/// The producer and consumer indices of an <see cref="MpscRing{T}"/>, each on its own 128-byte stretch (two
/// cache lines, so the adjacent-line prefetcher does not pair them) with padding before and after.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 384)]
internal struct RingIndices
{
    /// <summary>Next position to reserve; producers move it with compare-and-swap.</summary>
    [FieldOffset(128)]
    public long Tail;

    /// <summary>Producers' shared, possibly stale copy of <see cref="Head"/> (never ahead of it).</summary>
    [FieldOffset(136)]
    public long HeadCache;

    /// <summary>Next position to read; written by the consumer only, after it has copied the items out.</summary>
    [FieldOffset(256)]
    public long Head;
}
