using System;

namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// Synthetic IPv4/UDP frames (<see cref="SyntheticFlows"/>) offered at a wire rate, or as fast as the pipeline takes
/// them. Each frame is stamped with its flow (<see cref="FrameMetadata.SourceFlow"/>) and a per-flow sequence
/// number, so that the pipeline can check per-flow order at the TX queues. Frames due when the pool is empty are
/// dropped and counted (the pacing does not wait for them).
/// </summary>
public sealed class SyntheticFrameSource : IFrameSource
{
    private readonly SyntheticFlows _flows;
    private readonly uint[] _sequences;
    private FramePacer _pacer;
    private long _noBuffer;

    /// <param name="flows">The frames.</param>
    /// <param name="wireBytesPerSecond">Offered rate in bytes per second on the wire (frame + overhead); 0: as fast
    /// as the pipeline takes them (a frame is offered only when the pool has one free; credits still push back as
    /// RX drops).</param>
    /// <param name="frameOverhead">Bytes of line time each frame costs beyond its length (24 for Ethernet).</param>
    /// <param name="count">Frames to offer in all; 0: no end.</param>
    public SyntheticFrameSource(SyntheticFlows flows, long wireBytesPerSecond, int frameOverhead = 24, long count = 0)
    {
        ArgumentNullException.ThrowIfNull(flows);
        _pacer = new FramePacer(wireBytesPerSecond, frameOverhead, count);
        _flows = flows;
        _sequences = new uint[flows.FlowCount];
    }

    /// <summary>Frames offered so far (received or dropped for want of a frame).</summary>
    public long Offered => _pacer.Offered;

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
            if (!pool.TryRent(out int frame))
            {
                if (_pacer.Unpaced)
                {
                    break;
                }

                // Why: paced, the wire does not wait; the frame is missed and costs its line time all the same.
                _noBuffer++;
                _pacer.Offer(_flows.MeanLength);
                continue;
            }

            int length = _flows.Next(pool.Buffer(frame), out int flow);
            pool.SetLength(frame, length);
            ref FrameMetadata metadata = ref pool.Metadata(frame);
            metadata.SourceFlow = (uint)flow + 1;
            metadata.Sequence = _sequences[flow]++;
            _pacer.Offer(length);
            frames[n++] = frame;
        }

        return n;
    }
}
