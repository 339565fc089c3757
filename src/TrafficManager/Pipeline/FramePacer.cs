using System;

namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// The pacing a frame source shares: frames are due while the wire bytes offered (frame + overhead) stay below
/// rate × time since the start, up to a total count; unpaced (rate 0), every frame is due at once.
/// </summary>
internal struct FramePacer
{
    private readonly double _bytesPerNanosecond;
    private readonly int _overhead;
    private readonly long _limit;
    private double _offeredWireBytes;

    public FramePacer(long wireBytesPerSecond, int frameOverhead, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(wireBytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(frameOverhead);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _bytesPerNanosecond = wireBytesPerSecond / 1e9;
        _overhead = frameOverhead;
        _limit = count == 0 ? long.MaxValue : count;
    }

    /// <summary>Frames offered so far.</summary>
    public long Offered { get; private set; }

    /// <summary>Unpaced: frames are offered only as fast as the pipeline takes them (no frame free, no offer).</summary>
    public readonly bool Unpaced => _bytesPerNanosecond == 0;

    /// <summary>Every frame has been offered.</summary>
    public readonly bool Completed => Offered >= _limit;

    /// <summary>Whether another frame is due at <paramref name="nowNanoseconds"/>.</summary>
    public readonly bool Due(long nowNanoseconds) =>
        Offered < _limit && (Unpaced || _offeredWireBytes < _bytesPerNanosecond * nowNanoseconds);

    /// <summary>A frame of <paramref name="length"/> bytes was offered (received, or missed for want of a buffer).</summary>
    public void Offer(double length)
    {
        Offered++;
        _offeredWireBytes += length + _overhead;
    }
}
