using System.Linq;
using System.Threading;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Pipeline;

namespace Qos.TrafficManager.Tests.Pipeline;

/// <summary>Shaping through the whole pipeline, the egress on a virtual clock: the rates at the TX queue are the profile's.</summary>
[TestFixture]
public sealed class PipelineShapingTests
{
    // Two pipes of 1.5 MB/s whose EF class is capped at 512 kB/s (5 frames of 1024 bytes of line time per 10 ms
    // period), two of 3 MB/s with EF at 1024 kB/s; best effort gets the rest of each pipe. 1 Gb/s port, so the
    // port and the subport never limit. Buckets of two frames keep the start-up burst small.
    private const string Profile = """
        port: { rate: 125000000, mtu: 1522, frame_overhead: 24 }
        subport_profiles:
          full: { rate: 125000000, bucket: 100000, tc_rates: 125000000, tc_period: 10ms }
        pipe_profiles:
          a: { rate: 1500000, bucket: 3072, tc_rates: [512000, 1500000, 1500000, 1500000, 1500000, 1500000, 1500000, 1500000, 1500000, 1500000, 1500000, 1500000, 1500000], tc_period: 10ms, be_weight: 1, wrr_weights: [1, 1, 1, 1] }
          b: { rate: 3000000, bucket: 3072, tc_rates: [1024000, 3000000, 3000000, 3000000, 3000000, 3000000, 3000000, 3000000, 3000000, 3000000, 3000000, 3000000, 3000000], tc_period: 10ms, be_weight: 1, wrr_weights: [1, 1, 1, 1] }
        subports:
          - { profile: full, queue_sizes: 4096, pipes: [ { count: 2, profile: a }, { count: 2, profile: b } ] }
        classifier:
          pipe:  { field: ipv4.dst, mask: 0x3 }
          tc:    { field: dscp, map: { 46: 0 }, default: 12 }
        """;

    [Test]
    [CancelAfter(120_000)]
    public void Per_pipe_and_per_class_rates_at_the_TX_queue_are_the_profiles_within_one_percent(CancellationToken token)
    {
        const long PortRate = 125_000_000;
        var tx = new RecordingTxQueue(24);
        var clock = new VirtualByteClock(PortRate);
        var ports = new[] { PipelineSetup.Port(Profile, tx, clock) };
        // Enough frames that every queue stays backlogged through the measured second (0.05 s to 1.05 s).
        var source = new QueueFillSource((0, 46, 700), (0, 0, 1300), (1, 46, 700), (1, 0, 1300), (2, 46, 1300), (2, 0, 2400), (3, 46, 1300), (3, 0, 2400));
        using var pipeline = PacketPipeline.Create(PipelineSetup.Options(ports, source, workers: 1, seed: 3, orderFlows: 8, backpressure: RxBackpressure.Wait));
        pipeline.Start();
        PipelineStats stats = pipeline.GetStats();
        while (!token.IsCancellationRequested && (!source.Completed || stats.Sent + stats.Drops.Total < stats.Offered))
        {
            Thread.Sleep(5);
            stats = pipeline.GetStats();
        }

        stats = pipeline.Stop();
        Assert.That(stats.Sent, Is.EqualTo(11_400), $"every frame left: {PipelineSetup.Accounting(stats)}");
        Assert.That(stats.OrderViolations, Is.Zero, "each stream leaves in order");

        long from = PortRate / 20, to = from + PortRate;
        double Rate(int pipe, int? tc) => tx.Sent.Where(s => s.Pipe == pipe && (tc is null || s.TrafficClass == tc) && s.Start >= from && s.Start < to).Sum(s => (double)s.WireBytes);
        for (int pipe = 0; pipe < 4; pipe++)
        {
            double rate = pipe < 2 ? 1_500_000 : 3_000_000, ef = pipe < 2 ? 512_000 : 1_024_000;
            Assert.That(Rate(pipe, null), Is.EqualTo(rate).Within(0.01 * rate), $"pipe {pipe} sends its rate");
            Assert.That(Rate(pipe, 0), Is.EqualTo(ef).Within(0.01 * ef), $"pipe {pipe}: EF sends its cap, first");
            Assert.That(Rate(pipe, 12), Is.EqualTo(rate - ef).Within(0.01 * (rate - ef)), $"pipe {pipe}: best effort gets the rest");
            TestContext.Out.WriteLine($"pipe {pipe}: {Rate(pipe, null):F0} B/s (EF {Rate(pipe, 0):F0}, BE {Rate(pipe, 12):F0})");
        }
    }
}
