using System;

namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// Where a pipeline's frames come from; called on the pipeline's RX thread only. A source writes each frame it
/// receives into a frame it rents from the pipeline's <see cref="FramePool"/> (or hands over frames an application
/// already filled) and reports the indices. A frame due that finds the pool empty is dropped by the source and
/// counted in <see cref="NoBufferDrops"/>, as a NIC counts frames it missed for want of a receive buffer.
/// </summary>
public interface IFrameSource
{
    /// <summary>Receives up to <c>frames.Length</c> frames at <paramref name="nowNanoseconds"/> (the RX thread's
    /// clock, from the pipeline's start) and writes their pool indices, with their lengths set; returns how many.</summary>
    int Receive(FramePool pool, Span<int> frames, long nowNanoseconds);

    /// <summary>Frames the source had to drop because the pool had no free frame.</summary>
    long NoBufferDrops { get; }

    /// <summary>Whether the source has nothing more to give, ever (a finite source that is done).</summary>
    bool Completed { get; }
}
