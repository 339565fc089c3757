using System;

namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// A capture looped from memory: its frames in file order, again and again, offered at a wire rate (the capture's
/// own timestamps are not used) or as fast as the pipeline takes them. Frames due when the pool is empty are
/// dropped and counted when paced; unpaced, nothing is offered until a frame is free.
/// </summary>
public sealed class CaptureFrameSource : IFrameSource
{
    private readonly CapturedFrames _capture;
    private FramePacer _pacer;
    private long _noBuffer;
    private int _next;

    /// <param name="capture">The frames.</param>
    /// <param name="wireBytesPerSecond">Offered rate in bytes per second on the wire (frame + overhead); 0: as fast as taken.</param>
    /// <param name="frameOverhead">Bytes of line time each frame costs beyond its length.</param>
    /// <param name="count">Frames to offer in all; 0: no end.</param>
    public CaptureFrameSource(CapturedFrames capture, long wireBytesPerSecond, int frameOverhead = 24, long count = 0)
    {
        ArgumentNullException.ThrowIfNull(capture);
        _pacer = new FramePacer(wireBytesPerSecond, frameOverhead, count);
        _capture = capture;
    }

    /// <inheritdoc />
    public long NoBufferDrops => _noBuffer;

    /// <inheritdoc />
    public bool Completed => _pacer.Completed;

    /// <inheritdoc />
    public int Receive(FramePool pool, Span<int> frames, long nowNanoseconds)
    {
        int n = 0;
        while (n < frames.Length && _pacer.Due(nowNanoseconds))
        {
            int i = _next;
            if (!pool.TryRent(out int frame))
            {
                if (_pacer.Unpaced)
                {
                    break;
                }

                _noBuffer++;
            }
            else
            {
                ReadOnlySpan<byte> bytes = _capture.Frame(i);
                bytes.CopyTo(pool.Buffer(frame));
                pool.SetLength(frame, bytes.Length);
                frames[n++] = frame;
            }

            _pacer.Offer(_capture.OriginalLength(i));
            _next = i + 1 == _capture.Count ? 0 : i + 1;
        }

        return n;
    }
}
