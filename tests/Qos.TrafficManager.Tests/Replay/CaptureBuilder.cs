using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Qos.TrafficManager.Replay;
using Qos.TrafficManager.Tests.Classification;

namespace Qos.TrafficManager.Tests.Replay;

/// <summary>
/// Builds a capture of IPv4/UDP frames at fixed intervals. Each frame carries its sequence number at byte 42 (the
/// start of the UDP payload), so that an output frame can be matched to the input frame it must equal.
/// </summary>
public sealed class CaptureBuilder
{
    /// <summary>Where the sequence number sits: after Ethernet (14), IPv4 (20) and UDP (8) headers.</summary>
    public const int IdOffset = 42;

    /// <summary>Capture time of the first frame, nanoseconds since the Unix epoch.</summary>
    public const long Epoch = 1_700_000_000_000_000_000;

    private readonly List<(long Time, byte[] Frame)> _frames = [];

    public IReadOnlyList<(long Time, byte[] Frame)> Frames => _frames;

    /// <summary>Frames of <paramref name="length"/> bytes to 10.0.0.<paramref name="pipe"/>, every <paramref name="intervalNs"/> from <paramref name="startNs"/> until <paramref name="endNs"/>, over <paramref name="flows"/> source ports.</summary>
    public CaptureBuilder Flow(int pipe, int length, long intervalNs, long startNs, long endNs, int dscp = 0, int flows = 8)
    {
        int k = 0;
        for (long t = startNs; t < endNs; t += intervalNs, k++)
        {
            var frame = new FrameBuilder
            {
                Destination4 = 0x0A000000u | (uint)pipe,
                Dscp = (byte)dscp,
                SourcePort = (ushort)(1000 + (k % flows)),
                PayloadBytes = length - IdOffset,
            }.Build();
            _frames.Add((Epoch + t, frame));
        }

        return this;
    }

    /// <summary>The frames in time order (stable), numbered, as a nanosecond pcap.</summary>
    public async Task<byte[]> ToPcapAsync()
    {
        _frames.Sort((a, b) => a.Time.CompareTo(b.Time));
        using var stream = new MemoryStream();
        await using (var writer = PcapWriter.Create(stream))
        {
            for (int i = 0; i < _frames.Count; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(_frames[i].Frame.AsSpan(IdOffset), i);
                await writer.WriteAsync(_frames[i].Time, _frames[i].Frame);
            }
        }

        return stream.ToArray();
    }

    public static int Id(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadInt32BigEndian(frame.Slice(IdOffset));
}
