using System.Linq;
using NUnit.Framework;
using Qos.Perf.Cli;
using Qos.Perf.LineRate;
using Qos.Shaping.Randomness;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Stats;

namespace Qos.Perf.Tests;

/// <summary>The pieces of the line-rate harness that decide what it reports.</summary>
[TestFixture]
public sealed class LineRateModelTests
{
    [Test]
    public void Latency_quantiles_are_within_the_histograms_resolution()
    {
        var h = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++)
        {
            h.Record(v * 10);
        }

        foreach (double q in new[] { 0.5, 0.99, 0.999 })
        {
            double exact = q * 100_000 * 10;
            Assert.That(h.Quantile(q), Is.EqualTo(exact).Within(exact * 0.032), $"quantile {q}");
        }

        h.Clear();
        Assert.That(h.Quantile(0.5), Is.Zero);
    }

    [Test]
    public void Imix_offers_64_594_and_1518_byte_frames_in_the_ratio_7_4_1()
    {
        var mix = FrameMix.Parse("imix", 1522);
        var random = new Xorshift32(7);
        var counts = new int[3];
        for (int i = 0; i < 120_000; i++)
        {
            int size = mix.Next(ref random);
            counts[size == 64 ? 0 : size == 594 ? 1 : size == 1518 ? 2 : throw new AssertionException($"unexpected size {size}")]++;
        }

        Assert.That(counts[0] / 10_000.0, Is.EqualTo(7).Within(0.15));
        Assert.That(counts[1] / 10_000.0, Is.EqualTo(4).Within(0.15));
        Assert.That(counts[2] / 10_000.0, Is.EqualTo(1).Within(0.1));
        Assert.That(FrameMix.Parse("1518", 1522).Next(ref random), Is.EqualTo(1518));
        Assert.Throws<UsageException>(() => FrameMix.Parse("20", 1522));
        Assert.Throws<UsageException>(() => FrameMix.Parse("2000", 1522));
    }

    private static PortConfig TwoSubports()
    {
        long[] rates = Enumerable.Repeat(1_000_000L, 13).ToArray();
        int[] sizes = Enumerable.Repeat(64, 13).ToArray();
        int[] noClass3 = Enumerable.Repeat(64, 13).ToArray();
        noClass3[3] = 0;
        return new PortConfig
        {
            Rate = 1_250_000_000,
            SubportProfiles = [new SubportProfileConfig { Rate = 1_000_000, BucketSize = 10_000, ClassRates = rates }],
            PipeProfiles = [new PipeProfileConfig { Rate = 1_000_000, BucketSize = 10_000, ClassRates = rates }],
            Subports = [new SubportConfig { QueueSizes = sizes, Pipes = [new PipeGroup(100, 0)] }, new SubportConfig { QueueSizes = noClass3, Pipes = [new PipeGroup(28, 0)] }],
        };
    }

    [Test]
    public void The_uniform_source_covers_every_pipe_and_enabled_queue_and_repeats_for_a_seed()
    {
        var config = TwoSubports();
        var a = new TrafficSource(config, FrameMix.Parse("imix", 1522), "uniform", 3);
        var b = new TrafficSource(config, FrameMix.Parse("imix", 1522), "uniform", 3);
        var seen = new bool[2, 100, 16];
        for (int i = 0; i < 200_000; i++)
        {
            var p = a.Next(i);
            var q = b.Next(i);
            Assert.That(p, Is.EqualTo(q), "same seed, same stream");
            Assert.That(p.Subport == 1 && p.TrafficClass == 3, Is.False, "no packet for a disabled class");
            seen[p.Subport, p.Pipe, p.QueueIndex] = true;
        }

        int covered = 0;
        for (int pipe = 0; pipe < 100; pipe++)
        {
            for (int q = 0; q < TrafficClass.QueuesPerPipe; q++)
            {
                covered += seen[0, pipe, q] ? 1 : 0;
            }
        }

        Assert.That(covered, Is.EqualTo(1600), "every queue of subport 0 was offered packets");
    }

    [Test]
    public void The_heavy_mix_sends_half_the_packets_to_one_percent_of_the_pipes()
    {
        var source = new TrafficSource(TwoSubports(), FrameMix.Parse("64", 1522), "heavy", 5);
        int heavy = 0;
        for (int i = 0; i < 100_000; i++)
        {
            var p = source.Next(i);
            heavy += p.Subport == 0 && p.Pipe == 0 ? 1 : 0; // 128 pipes: the heaviest 1% is pipe 0 of subport 0
        }

        Assert.That(heavy / 100_000.0, Is.EqualTo(0.5 + (0.5 / 128)).Within(0.01));
        Assert.Throws<UsageException>(() => _ = new TrafficSource(TwoSubports(), FrameMix.Parse("64", 1522), "zipf", 1));
    }
}
