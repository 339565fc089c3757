using System;
using System.Threading;

namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// Frames an application hands to a pipeline from any thread: it rents a frame from the pipeline's pool, writes the
/// bytes into <see cref="FramePool.Buffer"/>, and posts it; the RX thread takes posted frames in post order (per
/// posting thread). Nothing is copied or allocated per frame (or let <see cref="TryPost"/> copy the bytes). A
/// pipeline built with this source attaches it to its pool (<see cref="PacketPipeline{TWork}.Pool"/>); post only
/// after that.
/// </summary>
public sealed class ApplicationFrameSource : IFrameSource
{
    private IndexRing? _posted;
    private FramePool? _pool;
    private int _maxLength;
    private long _noBuffer;
    private volatile bool _completed;

    /// <inheritdoc />
    public long NoBufferDrops => Interlocked.Read(ref _noBuffer);

    /// <inheritdoc />
    public bool Completed => _completed && (_posted is null || _posted.Count == 0);

    /// <summary>Binds the source to the pool its frames come from (the pipeline does it); once, before posting.
    /// Frames may then be 1 to the pool's frame size long.</summary>
    public void Attach(FramePool pool) => Attach(pool, pool?.FrameSize ?? 0);

    /// <summary>As <see cref="Attach(FramePool)"/>, for frames of at most <paramref name="maxLength"/> bytes (the
    /// pipeline passes its ports' largest MTU).</summary>
    internal void Attach(FramePool pool, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _maxLength = Math.Min(maxLength, pool.FrameSize);
        if (Interlocked.CompareExchange(ref _pool, pool, null) is not null)
        {
            throw new InvalidOperationException("the source is already attached to a pool");
        }

        // Why: room for every frame of the pool, so that a post never waits for the RX thread.
        _posted = new IndexRing(pool.Capacity, 0);
    }

    /// <summary>Rents a frame to fill; false when the pool has none free (the application waits and retries, or
    /// drops the frame itself: nothing is counted, as nothing was offered).</summary>
    public bool TryRent(out int frame) => Pool.TryRent(out frame);

    /// <summary>Posts a rented frame holding <paramref name="length"/> bytes (1 to the ports' MTU); it is the
    /// pipeline's from here on.</summary>
    public void Post(int frame, int length)
    {
        FramePool pool = Pool;
        CheckLength(length, nameof(length));
        pool.SetLength(frame, length);
        _posted!.Enqueue(frame);
    }

    /// <summary>Copies <paramref name="bytes"/> into a frame and posts it; false (counted) when the pool has no frame free.</summary>
    public bool TryPost(ReadOnlySpan<byte> bytes)
    {
        FramePool pool = Pool;
        CheckLength(bytes.Length, nameof(bytes));

        if (!pool.TryRent(out int frame))
        {
            // Why: here the frame was offered and is dropped for want of a buffer, as at a NIC.
            Interlocked.Increment(ref _noBuffer);
            return false;
        }

        bytes.CopyTo(pool.Buffer(frame));
        Post(frame, bytes.Length);
        return true;
    }

    /// <summary>No more frames will be posted: once the posted ones are taken, the source is completed.</summary>
    public void Complete() => _completed = true;

    /// <summary>After the pipeline stopped: takes a posted frame the RX thread never received.</summary>
    internal bool TryTakeLeftover(out int frame)
    {
        frame = -1;
        return _posted is not null && _posted.TryDequeue(out frame);
    }

    /// <inheritdoc />
    public int Receive(FramePool pool, Span<int> frames, long nowNanoseconds)
    {
        IndexRing? posted = _posted;
        if (posted is null)
        {
            return 0;
        }

        int n = 0;
        while (n < frames.Length && posted.TryDequeue(out int frame))
        {
            frames[n++] = frame;
        }

        return n;
    }

    private void CheckLength(int length, string name)
    {
        if ((uint)(length - 1) >= (uint)_maxLength)
        {
            // Why: refused here, at the caller, rather than by the egress port's scheduler, which would stop the pipeline.
            throw new ArgumentOutOfRangeException(name, length, $"a frame of {length} bytes must be 1 to {_maxLength} bytes (the ports' MTU and the pool's frame size)");
        }
    }

    private FramePool Pool => _pool ?? throw new InvalidOperationException("attach the source to the pipeline's pool first (Attach(pipeline.Pool))");
}
