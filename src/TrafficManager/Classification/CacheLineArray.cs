using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// A fixed-length array of <typeparamref name="T"/> whose first element starts a 64-byte cache line, so that an
/// element of 64 bytes (or a run of smaller ones filling 64 bytes from an aligned index) is exactly one line.
/// </summary>
/// <remarks>
/// Why: the offload table promises that a probe reads one line; the GC aligns arrays to 8 bytes only. The backing
/// <c>ulong[]</c> lives on the pinned object heap (it never moves, so the aligned offset computed once stays
/// aligned) and is an ordinary managed array: references into it keep it alive, and nothing needs freeing.
/// </remarks>
internal sealed class CacheLineArray<T>
    where T : unmanaged
{
    public const int LineBytes = 64;

    private readonly ulong[] _words;
    private readonly nint _byteOffset;

    public CacheLineArray(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Debug.Assert(LineBytes % Unsafe.SizeOf<T>() == 0 || Unsafe.SizeOf<T>() % LineBytes == 0, "elements tile the lines");
        long words = ((long)length * Unsafe.SizeOf<T>() + 7) / 8 + LineBytes / 8;
        _words = GC.AllocateArray<ulong>(checked((int)words), pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(_words, 0);
        _byteOffset = (nint)((LineBytes - (address & (LineBytes - 1))) & (LineBytes - 1));
        Length = length;
    }

    public int Length { get; }

    /// <summary>The element at <paramref name="index"/>, which the caller keeps below <see cref="Length"/>.</summary>
    /// <remarks>
    /// Why unchecked (asserted in Debug builds, like <c>NativeBuffer</c>): every index here is a slot of a masked
    /// bucket, in range by construction, and a check would add a compare and a branch to every probe.
    /// </remarks>
    public ref T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            Debug.Assert((uint)index < (uint)Length, "an index within the array");
            return ref Unsafe.As<ulong, T>(ref Unsafe.AddByteOffset(ref MemoryMarshal.GetArrayDataReference(_words), _byteOffset + (nint)index * Unsafe.SizeOf<T>()));
        }
    }
}
