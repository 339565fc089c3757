using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using NUnit.Framework;
using Qos.TrafficManager.Replay;

namespace Qos.TrafficManager.Tests.Classification;

[TestFixture]
public sealed class PcapTests
{
    private static readonly long[] _times = [1_700_000_000_123_456_789L, 1_700_000_000_123_457_000L, 1_700_000_001_000_000_001L];

    private static async Task<byte[]> WriteAsync(PcapFormat format, int count = 3, int snapLength = 65535)
    {
        using var stream = new MemoryStream();
        await using (var writer = PcapWriter.Create(stream, format, snapLength))
        {
            for (int i = 0; i < count; i++)
            {
                await writer.WriteAsync(_times[i % _times.Length] + (i / _times.Length * 1_000_000_000L), new FrameBuilder { SourcePort = (ushort)i, PayloadBytes = 10 + i }.Build());
            }
        }

        return stream.ToArray();
    }

    private static async Task<List<(long Time, byte[] Frame, int Original)>> ReadAllAsync(byte[] file)
    {
        var list = new List<(long, byte[], int)>();
        await using var reader = await PcapReader.OpenAsync(new MemoryStream(file));
        while (await reader.ReadAsync() is { } r)
        {
            list.Add((r.TimestampNanoseconds, r.Frame.ToArray(), r.OriginalLength));
        }

        return list;
    }

    [TestCase(true, false)]
    [TestCase(true, true)]
    [TestCase(false, false)]
    [TestCase(false, true)]
    public async Task Frames_round_trip_in_every_variant(bool nanosecond, bool bigEndian)
    {
        var file = await WriteAsync(new PcapFormat(nanosecond, bigEndian));
        await using (var reader = await PcapReader.OpenAsync(new MemoryStream(file)))
        {
            Assert.That(reader.Format, Is.EqualTo(new PcapFormat(nanosecond, bigEndian)));
        }

        var records = await ReadAllAsync(file);
        Assert.That(records, Has.Count.EqualTo(3));
        for (int i = 0; i < 3; i++)
        {
            long expected = nanosecond ? _times[i] : _times[i] / 1000 * 1000;
            Assert.That(records[i].Time, Is.EqualTo(expected));
            Assert.That(records[i].Frame, Is.EqualTo(new FrameBuilder { SourcePort = (ushort)i, PayloadBytes = 10 + i }.Build()));
            Assert.That(records[i].Original, Is.EqualTo(records[i].Frame.Length));
        }
    }

    [Test]
    public async Task A_big_file_streams_through_pipe_segments()
    {
        var file = await WriteAsync(new PcapFormat(true, false), count: 5000);
        Assert.That(file.Length, Is.GreaterThan(1 << 18), "more than the pipe's 64 KiB buffer");
        Assert.That(await ReadAllAsync(file), Has.Count.EqualTo(5000));
    }

    [Test]
    public async Task Frames_over_the_snapshot_length_are_cut_and_keep_their_original_length()
    {
        var records = await ReadAllAsync(await WriteAsync(new PcapFormat(true, false), count: 1, snapLength: 20));
        Assert.That((records[0].Frame.Length, records[0].Original), Is.EqualTo((20, new FrameBuilder().Build().Length)));
    }

    [Test]
    public async Task A_file_cut_at_any_byte_is_an_error_at_that_offset()
    {
        var file = await WriteAsync(new PcapFormat(true, false), count: 2);
        int firstRecordEnd = 24 + 16 + new FrameBuilder { SourcePort = 0, PayloadBytes = 10 }.Build().Length;
        for (int length = 0; length < file.Length; length++)
        {
            if (length == 24 || length == firstRecordEnd)
            {
                Assert.That(await ReadAllAsync(file.AsSpan(0, length).ToArray()), Has.Count.EqualTo(length == 24 ? 0 : 1), "a cut between records is a shorter file");
                continue;
            }

            var e = Assert.ThrowsAsync<PcapException>(async () => await ReadAllAsync(file.AsSpan(0, length).ToArray()));
            long expectedOffset = length < 24 ? 0 : length < firstRecordEnd ? (length < 40 ? 24 : 40) : (length < firstRecordEnd + 16 ? firstRecordEnd : firstRecordEnd + 16);
            Assert.That(e!.Offset, Is.EqualTo(expectedOffset), e.Message);
        }
    }

    [Test]
    public async Task Corrupt_headers_name_their_byte_offset()
    {
        var good = await WriteAsync(new PcapFormat(true, false), count: 1);

        var magic = (byte[])good.Clone();
        magic[0] = 0x0A;
        Assert.That(Assert.ThrowsAsync<PcapException>(async () => await ReadAllAsync(magic))!.Offset, Is.EqualTo(0));

        var link = (byte[])good.Clone();
        link[20] = 101;
        var e = Assert.ThrowsAsync<PcapException>(async () => await ReadAllAsync(link));
        Assert.That((e!.Offset, e.Message), Is.EqualTo((20L, "pcap byte 20: link type 101 is not Ethernet (1)")));

        var huge = (byte[])good.Clone();
        BitConverter.TryWriteBytes(huge.AsSpan(24 + 8), 70_000);
        Assert.That(Assert.ThrowsAsync<PcapException>(async () => await ReadAllAsync(huge))!.Offset, Is.EqualTo(32));

        var fraction = (byte[])good.Clone();
        BitConverter.TryWriteBytes(fraction.AsSpan(24 + 4), 1_000_000_000);
        Assert.That(Assert.ThrowsAsync<PcapException>(async () => await ReadAllAsync(fraction))!.Offset, Is.EqualTo(28));
    }
}
