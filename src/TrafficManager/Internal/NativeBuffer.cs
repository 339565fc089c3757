using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Qos.TrafficManager.Internal;

/// <summary>
/// A zeroed, cache-line aligned block of native memory holding <see cref="Length"/> values of <typeparamref name="T"/>.
/// </summary>
/// <remarks>
/// Why: the scheduler's hot state is addressed with raw pointers so it can be prefetched, never moves under a
/// compacting GC, and large blocks are offered to transparent huge pages (fewer TLB misses over tens of MB
/// of queues).
/// </remarks>
internal sealed unsafe class NativeBuffer<T> : IDisposable
    where T : unmanaged
{
    private const nuint Alignment = 2 * 1024 * 1024;
    private T* _items;

    public NativeBuffer(long length)
    {
        Debug.Assert(length >= 0);
        Length = length;
        nuint bytes = (nuint)Math.Max(1, length * sizeof(T));
        nuint alignment = bytes >= Alignment ? Alignment : 64;
        bytes = (bytes + alignment - 1) & ~(alignment - 1);
        _items = (T*)NativeMemory.AlignedAlloc(bytes, alignment);
        if (alignment == Alignment && OperatingSystem.IsLinux())
        {
            HugePages.Advise(_items, bytes);
        }

        NativeMemory.Clear(_items, bytes);
        GC.AddMemoryPressure((long)bytes);
        ByteLength = (long)bytes;
    }

    ~NativeBuffer() => Free();

    public long Length { get; }

    public long ByteLength { get; }

    public T* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_items == null, this);
            return _items;
        }
    }

    public ref T this[long index]
    {
        get
        {
            Debug.Assert((ulong)index < (ulong)Length, "index within the buffer");
            return ref _items[index];
        }
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_items != null)
        {
            NativeMemory.AlignedFree(_items);
            _items = null;
            GC.RemoveMemoryPressure(ByteLength);
        }
    }
}
