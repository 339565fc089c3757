using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading;
using Qos.Shaping.Internal;
using Qos.TrafficManager.Internal;

namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// A fixed set of frame buffers owned by a pipeline. A frame is known by its index (0..<see cref="Capacity"/>-1),
/// which is what an event and a <see cref="Packets.Packet.Handle"/> carry between stages; its bytes, its length and
/// its <see cref="FrameMetadata"/> are looked up by that index. Nothing is allocated per frame.
/// </summary>
/// <remarks>
/// <para>
/// Frames are slots of <see cref="FrameSize"/> bytes, 64-byte aligned, in one block of native memory (offered to
/// transparent huge pages when large). Free indices wait in a lock-free ring for many renters and returners
/// (<see cref="IndexRing"/>); each frame also has a state byte that <see cref="Return(int)"/> flips from rented to
/// free with one compare-and-swap, so a double return or a foreign index is refused in every build, and a
/// frame can never be in the free ring twice.
/// </para>
/// <para>
/// <see cref="TryRent(out int)"/> and <see cref="Return(int)"/> are thread-safe. A frame's bytes, length and
/// metadata belong to whoever rented it; the pool does not synchronise them (the ring a stage hands the index
/// through does). Spans from <see cref="Buffer"/> and <see cref="Data"/> point into native memory: they are valid
/// while the pool is alive and not disposed, so the pipeline that owns the pool keeps it referenced for as long
/// as frames are in use, and disposes it only once no thread uses it.
/// </para>
/// </remarks>
public sealed unsafe class FramePool : IDisposable
{
    /// <summary>The frame size when none is given: a 1522-byte frame rounded up to a power of two.</summary>
    public const int DefaultFrameSize = 2048;

    internal const int MaxCapacity = 1 << 24;
    internal const int MinFrameSize = 64;
    internal const int MaxFrameSize = 1 << 16;
    private const byte Free = 0;
    private const byte Rented = 1;

    private readonly NativeBuffer<byte> _memory;
    private readonly IndexRing _free;
    private readonly byte[] _states;
    private readonly int[] _lengths;
    private readonly FrameMetadata[] _metadata;
    private readonly int _capacity;
    private readonly int _frameSize;
    private byte* _base;

    /// <summary>Creates a pool of <paramref name="capacity"/> free frames of <paramref name="frameSize"/> bytes.</summary>
    /// <param name="capacity">Frames in the pool, 1..16777216.</param>
    /// <param name="frameSize">Bytes per frame, a multiple of 64 in 64..65536.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public FramePool(int capacity, int frameSize = DefaultFrameSize)
    {
        if (capacity < 1 || capacity > MaxCapacity)
        {
            ThrowHelper.OutOfRange(nameof(capacity), capacity, $"must be in 1..{MaxCapacity}");
        }

        if (frameSize < MinFrameSize || frameSize > MaxFrameSize || frameSize % 64 != 0)
        {
            ThrowHelper.OutOfRange(nameof(frameSize), frameSize, $"must be a multiple of 64 in {MinFrameSize}..{MaxFrameSize}");
        }

        _capacity = capacity;
        _frameSize = frameSize;
        _memory = new NativeBuffer<byte>((long)capacity * frameSize);
        _base = _memory.Pointer;
        Debug.Assert(((nuint)_base & 63) == 0, "frames start on cache lines");
        _free = new IndexRing(capacity, filled: capacity);
        _states = new byte[capacity];
        _lengths = new int[capacity];
        _metadata = new FrameMetadata[capacity];
    }

    /// <summary>Frames in the pool, rented or free.</summary>
    public int Capacity
    {
        get
        {
            ThrowIfDisposed();
            return _capacity;
        }
    }

    /// <summary>Bytes per frame.</summary>
    public int FrameSize
    {
        get
        {
            ThrowIfDisposed();
            return _frameSize;
        }
    }

    /// <summary>Free frames now (a snapshot while other threads rent and return).</summary>
    public int Available
    {
        get
        {
            ThrowIfDisposed();
            return _free.Count;
        }
    }

    /// <summary>Rents a free frame: its length is 0 and its metadata cleared. Thread-safe.</summary>
    /// <param name="index">The frame's index, or -1 when none is free.</param>
    /// <returns>Whether a frame was free. It may also be false for an instant while another thread returns the
    /// last free frames (the ring's oldest cell is still being published).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRent(out int index)
    {
        ThrowIfDisposed();
        if (!_free.TryDequeue(out index))
        {
            return false;
        }

        Debug.Assert(Volatile.Read(ref _states[index]) == Free, "an index in the free ring is free");
        _lengths[index] = 0;
        _metadata[index] = default;
        Volatile.Write(ref _states[index], Rented);
        return true;
    }

    /// <summary>Rents as many free frames as there are, up to <c>indices.Length</c>. Thread-safe.</summary>
    /// <param name="indices">Receives the indices of the frames rented, from the start.</param>
    /// <returns>How many frames were rented.</returns>
    public int TryRent(Span<int> indices)
    {
        int n = 0;
        while (n < indices.Length && TryRent(out indices[n]))
        {
            n++;
        }

        return n;
    }

    /// <summary>Gives a rented frame back. Thread-safe.</summary>
    /// <param name="index">The frame's index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a frame of this pool.</exception>
    /// <exception cref="InvalidOperationException">The frame is not rented (returned twice, or never rented).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Return(int index)
    {
        CheckIndex(index);
        if (Interlocked.CompareExchange(ref _states[index], Free, Rented) != Rented)
        {
            ThrowNotRented(index);
        }

        _free.Enqueue(index);
    }

    /// <summary>Gives rented frames back, in order. Thread-safe.</summary>
    /// <param name="indices">The frames' indices.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is not a frame of this pool (the ones before it are returned).</exception>
    /// <exception cref="InvalidOperationException">A frame is not rented (the ones before it are returned).</exception>
    public void Return(ReadOnlySpan<int> indices)
    {
        foreach (int index in indices)
        {
            Return(index);
        }
    }

    /// <summary>The whole slot of a frame: <see cref="FrameSize"/> bytes.</summary>
    /// <param name="index">The frame's index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a frame of this pool.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Buffer(int index)
    {
        CheckIndex(index);
        var span = new Span<byte>(_base + ((long)index * _frameSize), _frameSize);
        GC.KeepAlive(this);
        return span;
    }

    /// <summary>The bytes a frame holds: its first <see cref="GetLength"/> bytes.</summary>
    /// <param name="index">The frame's index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a frame of this pool.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Data(int index)
    {
        CheckIndex(index);
        var span = new Span<byte>(_base + ((long)index * _frameSize), _lengths[index]);
        GC.KeepAlive(this);
        return span;
    }

    /// <summary>How many bytes of its slot a frame holds.</summary>
    /// <param name="index">The frame's index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a frame of this pool.</exception>
    public int GetLength(int index)
    {
        CheckIndex(index);
        return _lengths[index];
    }

    /// <summary>Sets how many bytes of its slot a frame holds.</summary>
    /// <param name="index">The frame's index.</param>
    /// <param name="length">0..<see cref="FrameSize"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a frame of this pool, or
    /// <paramref name="length"/> is outside 0..<see cref="FrameSize"/>.</exception>
    public void SetLength(int index, int length)
    {
        CheckIndex(index);
        if ((uint)length > (uint)_frameSize)
        {
            ThrowHelper.OutOfRange(nameof(length), length, $"must be in 0..{_frameSize} (the frame size)");
        }

        _lengths[index] = length;
    }

    /// <summary>The side data the pipeline carries with a frame.</summary>
    /// <param name="index">The frame's index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a frame of this pool.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref FrameMetadata Metadata(int index)
    {
        CheckIndex(index);
        return ref _metadata[index];
    }

    /// <summary>Frees the frames' memory. Every member throws <see cref="ObjectDisposedException"/> afterwards.</summary>
    public void Dispose()
    {
        _base = null;
        _memory.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckIndex(int index)
    {
        ThrowIfDisposed();
        if ((uint)index >= (uint)_capacity)
        {
            ThrowHelper.OutOfRange(nameof(index), index, $"must be a frame index in 0..{_capacity - 1}");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfDisposed()
    {
        if (_base == null)
        {
            ThrowDisposed();
        }
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDisposed() => throw new ObjectDisposedException(nameof(FramePool));

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotRented(int index) =>
        throw new InvalidOperationException($"frame {index} is not rented: it was returned twice or never rented");
}
