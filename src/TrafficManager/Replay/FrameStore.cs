using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// Holds the bytes of frames the scheduler has queued, keyed by the descriptor's handle, until they leave or are
/// dropped: memory follows what is queued, not the capture's size. Buffers come from the shared array pool.
/// </summary>
internal sealed class FrameStore
{
    private readonly Stack<int> _free = new();
    private byte[]?[] _frames = new byte[]?[1024];
    private int[] _captured = new int[1024];
    private int[] _original = new int[1024];
    private int _used;

    /// <summary>Frames held now.</summary>
    public int Count => _used - _free.Count;

    /// <summary>Copies a frame in and returns its handle.</summary>
    public ulong Add(ReadOnlySpan<byte> frame, int originalLength)
    {
        if (!_free.TryPop(out int slot))
        {
            slot = _used++;
            if (slot == _frames.Length)
            {
                Array.Resize(ref _frames, slot * 2);
                Array.Resize(ref _captured, slot * 2);
                Array.Resize(ref _original, slot * 2);
            }
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, frame.Length));
        frame.CopyTo(buffer);
        _frames[slot] = buffer;
        _captured[slot] = frame.Length;
        _original[slot] = originalLength;
        return (ulong)slot;
    }

    /// <summary>The captured bytes of the frame behind <paramref name="handle"/>.</summary>
    public ReadOnlySpan<byte> Frame(ulong handle) => _frames[handle].AsSpan(0, _captured[handle]);

    /// <summary>The wire length of the frame behind <paramref name="handle"/>.</summary>
    public int OriginalLength(ulong handle) => _original[handle];

    /// <summary>Lets the frame behind <paramref name="handle"/> go.</summary>
    public void Release(ulong handle)
    {
        var buffer = _frames[handle];
        Debug.Assert(buffer is not null, "a frame is released once");
        ArrayPool<byte>.Shared.Return(buffer!);
        _frames[handle] = null;
        _free.Push((int)handle);
    }
}
