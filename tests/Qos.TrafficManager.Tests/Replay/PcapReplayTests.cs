using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Profiles;
using Qos.TrafficManager.Replay;

namespace Qos.TrafficManager.Tests.Replay;

/// <summary>Specifications of <c>replay --pcap</c>: a capture classified by the profile, scheduled and written back out.</summary>
[TestFixture]
public sealed class PcapReplayTests
{
    /// <summary>
    /// A 100 Mbit/s port (80 ns per byte of line time) with four pipes: two at 512 kB/s and two at 1024 kB/s of line
    /// bytes, exactly 5 and 10 frames of 1000 + 24 bytes per 10 ms class period. The classifier takes the pipe from
    /// the low bits of the IPv4 destination, EF (DSCP 46) to class 0 and the rest to best effort.
    /// </summary>
    public const string Profile = """
        port: { rate: 100mbps, mtu: 1522 }
        subport_profiles:
          main: { rate: 100mbps, bucket: 100kB, tc_rates: 100mbps, tc_period: 10ms }
        pipe_profiles:
          slow: { rate: 512kB/s, bucket: 10kB, tc_rates: 512kB/s, tc_period: 10ms, wrr_weights: [1, 1, 1, 1] }
          fast: { rate: 1024kB/s, bucket: 10kB, tc_rates: 1024kB/s, tc_period: 10ms, wrr_weights: [1, 1, 1, 1] }
        subports:
          - profile: main
            queue_sizes: 64
            pipes:
              - { count: 2, profile: slow }
              - { count: 2, profile: fast }
        classifier:
          pipe:    { field: ipv4.dst, mask: 0x3 }
          tc:      { field: dscp, map: { 46: 0 }, default: 12 }
          queue:   { field: flow_hash, mask: 3 }
          offload: { entries: 16, rebalance: true, interval: 100ms }
        """;

    public static readonly long[] PipeRates = [512_000, 512_000, 1_024_000, 1_024_000];

    private const long Millisecond = 1_000_000;
    private const long NanosecondsPerByte = 80;
    private const int Overhead = 24;

    /// <summary>Every pipe offered 1.5 times its rate in 1000-byte frames for 1.5 s; pipe 3's traffic is EF.</summary>
    public static CaptureBuilder Overload()
    {
        var capture = new CaptureBuilder();
        for (int pipe = 0; pipe < 4; pipe++)
        {
            long interval = 1_000_000_000L * 1024 * 2 / (PipeRates[pipe] * 3);
            capture.Flow(pipe, 1000, interval, startNs: pipe * 1000, endNs: 1500 * Millisecond, dscp: pipe == 3 ? 46 : 0);
        }

        return capture;
    }

    public static async Task<(ReplaySummary Summary, byte[] Output, ClassifierStats Stats)> ReplayAsync(byte[] input, string profile = Profile)
    {
        var options = ProfileLoader.ParseOptions(profile);
        var config = options.ToPortConfig();
        var classifier = Classifier.Create(options.Classifier!, config);
        using var output = new MemoryStream();
        // Why a 10 µs idle step: shaped departures may be up to 10 µs late, which the rate windows do not see, and the
        // Debug replay of 1.5 s of traffic takes a tenth of the time.
        var summary = await PcapReplay.RunAsync(config, classifier, new MemoryStream(input), output, new ReplayOptions { IdleStepNanoseconds = 10_000 });
        return (summary, output.ToArray(), classifier.ReadStats());
    }

    private static async Task<List<(long Time, byte[] Frame, int Original)>> ReadAsync(byte[] file)
    {
        var list = new List<(long, byte[], int)>();
        await using var reader = await PcapReader.OpenAsync(new MemoryStream(file));
        Assert.That(reader.Format.Nanosecond, Is.True, "the output is a nanosecond pcap");
        while (await reader.ReadAsync() is { } r)
        {
            list.Add((r.TimestampNanoseconds, r.Frame.ToArray(), r.OriginalLength));
        }

        return list;
    }

    [Test]
    public async Task Every_frame_leaves_intact_or_is_dropped_and_counted()
    {
        var capture = Overload();
        var input = await capture.ToPcapAsync();
        var (summary, output, stats) = await ReplayAsync(input);
        var departed = await ReadAsync(output);

        var t = summary.Total;
        Assert.That(t.Offered.Packets, Is.EqualTo(capture.Frames.Count));
        Assert.That(stats.Frames, Is.EqualTo(capture.Frames.Count), "each frame is classified once");
        Assert.That(t.Dropped.Total.Packets, Is.Positive, "the offer is 1.5 times the pipes' rates");
        Assert.That(t.Sent.Packets + t.Dropped.Total.Packets, Is.EqualTo(t.Offered.Packets), "conservation: offered = sent + dropped");
        Assert.That(departed, Has.Count.EqualTo(t.Sent.Packets), "one output record per packet sent");
        Assert.That(summary.ToJson(), Does.Contain($"\"frames\": {capture.Frames.Count}"), "the JSON summary carries the classifier's counters");

        var seen = new HashSet<int>();
        foreach (var (time, frame, original) in departed)
        {
            int id = CaptureBuilder.Id(frame);
            Assert.That(seen.Add(id), Is.True, $"frame {id} left twice");
            var (arrival, bytes) = capture.Frames[id];
            Assert.That(frame, Is.EqualTo(bytes), $"frame {id} is unchanged");
            Assert.That(original, Is.EqualTo(bytes.Length));
            Assert.That(time, Is.GreaterThanOrEqualTo(arrival), $"frame {id} leaves after it arrived");
        }

        for (int i = 1; i < departed.Count; i++)
        {
            long gap = departed[i].Time - departed[i - 1].Time;
            Assert.That(gap, Is.GreaterThanOrEqualTo((departed[i - 1].Original + Overhead) * NanosecondsPerByte), $"record {i} starts after the previous one is on the line");
        }
    }

    [Test]
    public async Task Each_pipe_leaves_at_its_profile_rate_within_one_percent()
    {
        var (_, output, _) = await ReplayAsync(await Overload().ToPcapAsync());
        var departed = await ReadAsync(output);

        // Why from 250 ms: the 10 kB buckets start full; by then every pipe has been backlogged for a while.
        long from = CaptureBuilder.Epoch + (250 * Millisecond), to = CaptureBuilder.Epoch + (1250 * Millisecond);
        for (int pipe = 0; pipe < 4; pipe++)
        {
            long bytes = departed.Where(d => d.Time >= from && d.Time < to && (d.Frame[33] & 3) == pipe).Sum(d => (long)d.Original + Overhead);
            Assert.That(bytes, Is.EqualTo(PipeRates[pipe]).Within(PipeRates[pipe] / 100), $"pipe {pipe}: line bytes in one second");
        }
    }

    [Test]
    public async Task The_replay_is_repeatable_byte_for_byte()
    {
        var input = await Overload().ToPcapAsync();
        var first = await ReplayAsync(input);
        var second = await ReplayAsync(input);
        Assert.That(second.Output, Is.EqualTo(first.Output));
        Assert.That(second.Summary.ToJson(), Is.EqualTo(first.Summary.ToJson()));
    }

    [Test]
    public async Task Malformed_frames_take_the_default_path_and_are_still_sent()
    {
        var capture = new CaptureBuilder().Flow(1, 200, 100_000, 0, 10 * Millisecond);
        var input = await capture.ToPcapAsync();
        using (var stream = new MemoryStream())
        {
            await using (var writer = PcapWriter.Create(stream))
            {
                await using var reader = await PcapReader.OpenAsync(new MemoryStream(input));
                while (await reader.ReadAsync() is { } r)
                {
                    await writer.WriteAsync(r.TimestampNanoseconds, r.Frame.Span);
                    await writer.WriteAsync(r.TimestampNanoseconds, r.Frame.Span.Slice(0, 20)); // cut inside the IPv4 header
                }
            }

            input = stream.ToArray();
        }

        var (summary, output, stats) = await ReplayAsync(input);
        Assert.That(stats.Malformed, Is.EqualTo(capture.Frames.Count));
        Assert.That(summary.Total.Offered.Packets, Is.EqualTo(2 * capture.Frames.Count));
        Assert.That(summary.Total.Sent.Packets, Is.EqualTo(2 * capture.Frames.Count), "the offer is light: nothing is dropped");
        Assert.That((await ReadAsync(output)).Count(d => d.Frame.Length == 20), Is.EqualTo(capture.Frames.Count));
    }

    [Test]
    public async Task A_frame_longer_than_the_mtu_is_an_error_at_its_offset()
    {
        using var stream = new MemoryStream();
        await using (var writer = PcapWriter.Create(stream))
        {
            await writer.WriteAsync(CaptureBuilder.Epoch, new byte[100]);
            await writer.WriteAsync(CaptureBuilder.Epoch + 1000, new byte[1600]);
        }

        var e = Assert.ThrowsAsync<PcapException>(() => ReplayAsync(stream.ToArray()));
        long second = PcapFormat.GlobalHeaderLength + PcapFormat.RecordHeaderLength + 100;
        Assert.That(e!.Offset, Is.EqualTo(second + 12), "the original-length field of the second record");
        Assert.That(e.Message, Does.Contain("1600").And.Contain("1522"));
    }

    [Test]
    public async Task Time_going_back_is_an_error_at_its_offset()
    {
        using var stream = new MemoryStream();
        await using (var writer = PcapWriter.Create(stream))
        {
            await writer.WriteAsync(CaptureBuilder.Epoch + 5000, new byte[100]);
            await writer.WriteAsync(CaptureBuilder.Epoch, new byte[100]);
        }

        var e = Assert.ThrowsAsync<PcapException>(() => ReplayAsync(stream.ToArray()));
        Assert.That(e!.Offset, Is.EqualTo(PcapFormat.GlobalHeaderLength + PcapFormat.RecordHeaderLength + 100));
        Assert.That(e.Message, Does.Contain("5000 ns before the previous record"));
    }

    [Test]
    public async Task A_truncated_capture_is_an_error_and_the_caller_streams_stay_open()
    {
        var input = await new CaptureBuilder().Flow(0, 100, 1000, 0, 10_000).ToPcapAsync();
        var cut = new MemoryStream(input.AsSpan(0, input.Length - 7).ToArray());
        var output = new MemoryStream();
        var options = ProfileLoader.ParseOptions(Profile);
        var config = options.ToPortConfig();
        var e = Assert.ThrowsAsync<PcapException>(() => PcapReplay.RunAsync(config, Classifier.Create(options.Classifier!, config), cut, output));
        Assert.That(e!.Message, Does.Contain("file ends inside a record data"));
        Assert.That(output.CanWrite && cut.CanRead, Is.True);
    }
}
