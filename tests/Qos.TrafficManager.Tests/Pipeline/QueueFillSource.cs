using System;
using System.Buffers.Binary;
using Qos.TrafficManager.Pipeline;

namespace Qos.TrafficManager.Tests.Pipeline;

/// <summary>
/// A finite source for rate tests: for each (pipe, DSCP, count) a stream of 1000-byte IPv4/UDP frames to
/// 10.0.0.pipe with that DSCP, one flow per stream, offered round-robin over the streams as fast as the pool allows.
/// Frames carry their stream (as the source flow, from 1) and a sequence number.
/// </summary>
internal sealed class QueueFillSource : IFrameSource
{
    public const int FrameLength = 1000;

    private readonly (int Pipe, int Dscp, int Count)[] _streams;
    private readonly int[] _sent;
    private long _left;
    private int _next;

    public QueueFillSource(params (int Pipe, int Dscp, int Count)[] streams)
    {
        _streams = streams;
        _sent = new int[streams.Length];
        foreach (var s in streams)
        {
            _left += s.Count;
        }
    }

    public long NoBufferDrops => 0;

    public bool Completed => _left == 0;

    public int Receive(FramePool pool, Span<int> frames, long nowNanoseconds)
    {
        int n = 0;
        while (n < frames.Length && _left > 0)
        {
            while (_sent[_next] == _streams[_next].Count)
            {
                _next = (_next + 1) % _streams.Length;
            }

            if (!pool.TryRent(out int frame))
            {
                break;
            }

            var (pipe, dscp, _) = _streams[_next];
            Span<byte> f = pool.Buffer(frame)[..FrameLength];
            f.Clear();
            BinaryPrimitives.WriteUInt16BigEndian(f[12..], 0x0800);
            f[14] = 0x45;
            f[15] = (byte)(dscp << 2);
            BinaryPrimitives.WriteUInt16BigEndian(f[16..], FrameLength - 14);
            f[22] = 64;
            f[23] = 17;
            BinaryPrimitives.WriteUInt32BigEndian(f[26..], 0xC0A80001u + (uint)_next);
            BinaryPrimitives.WriteUInt32BigEndian(f[30..], 0x0A000000u | (uint)pipe);
            BinaryPrimitives.WriteUInt16BigEndian(f[34..], 1000);
            BinaryPrimitives.WriteUInt16BigEndian(f[36..], 2000);
            BinaryPrimitives.WriteUInt16BigEndian(f[38..], FrameLength - 34);
            pool.SetLength(frame, FrameLength);
            ref FrameMetadata metadata = ref pool.Metadata(frame);
            metadata.SourceFlow = (uint)_next + 1;
            metadata.Sequence = (uint)_sent[_next]++;
            frames[n++] = frame;
            _left--;
            _next = (_next + 1) % _streams.Length;
        }

        return n;
    }
}
