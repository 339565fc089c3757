using System.Linq;
using NUnit.Framework;
using static Qos.TrafficManager.Tests.Replay.ReplayProfiles;
using static Qos.TrafficManager.Tests.Replay.ReplayResult;

namespace Qos.TrafficManager.Tests.Replay;

/// <summary>
/// The scheduler's conformance behaviours, seen from outside: generated traces go in, and the departures CSV and the
/// JSON summary that come out are checked.
/// </summary>
[TestFixture]
public sealed class ReplayConformanceTests
{
    private const long Millisecond = 1_000_000;
    private const long Second = 1_000_000_000;

    /// <summary>Line time of a 1000-byte packet: (1000 + 24) × 80 ns.</summary>
    private const long Wire1000 = 1024 * NanosecondsPerByte;

    [Test]
    public void A_pipe_sends_at_its_rate_and_the_excess_is_tail_dropped()
    {
        // The pipe is shaped at 1024 kB/s of line bytes: exactly 10 packets of 1000 + 24 bytes per 10 ms class
        // period (class credits are reset, not carried, at each period, so a rate that is not a whole number of
        // packets per period loses the remainder). The trace offers twice that.
        var trace = new TraceBuilder().Flow(0, 0, tc: 0, queue: 0, length: 1000, intervalNs: 500_000, startNs: 0, endNs: Second);
        var result = Run(Port(pipeRate: "1024kB/s", pipeBucket: "10kB"), trace.ToCsv(), idleStepNs: 10_000);

        long sent = result.LineBytes(_ => true, 200 * Millisecond, Second);
        Assert.That(sent, Is.EqualTo(819_200).Within(819_200 / 50), "1024 kB/s for 0.8 s, within 2%");
        var tc0 = result.Class(0, 0);
        Assert.That(Count(tc0, "offered"), Is.EqualTo(2000));
        Assert.That(Dropped(tc0, "queue_full"), Is.EqualTo(2000 - Count(tc0, "sent")), "every drop is a tail drop");
        Assert.That(Count(tc0, "sent"), Is.InRange(1000, 1100), "about half the offer, plus one queue's worth left at the end");
        result.AssertLineIsRespected();
        result.AssertConservation();
    }

    [Test]
    public void Strict_priority_serves_class_0_first_and_class_1_gets_the_rest_of_the_line()
    {
        // Each class offers 60% of the line.
        long interval = Wire1000 * 10 / 6;
        var trace = new TraceBuilder()
            .Flow(0, 0, tc: 0, queue: 0, length: 1000, intervalNs: interval, startNs: 0, endNs: Second / 2)
            .Flow(0, 0, tc: 1, queue: 0, length: 1000, intervalNs: interval, startNs: 50_000, endNs: Second / 2);
        var result = Run(Port(), trace.ToCsv());

        var tc0 = result.Class(0, 0);
        Assert.That(Dropped(tc0, "queue_full"), Is.Zero, "the top class never waits long enough to overflow");
        Assert.That(Count(tc0, "sent"), Is.EqualTo(Count(tc0, "offered")));
        Assert.That(Dropped(result.Class(0, 1), "queue_full"), Is.Positive, "the lower class absorbs the overload");

        // Class 0 waits at most for the packet on the wire when it arrives.
        var arrivals = trace.Arrivals.Where(a => a.Tc == 0).ToList();
        var departures = result.Departures.Where(d => d.Tc == 0).ToList();
        Assert.That(departures, Has.Count.EqualTo(arrivals.Count));
        for (int i = 0; i < arrivals.Count; i++)
        {
            long wait = departures[i].DepartNs - arrivals[i].TimeNs;
            Assert.That(wait, Is.InRange(0, Wire1000), $"class 0 packet {i}: leaves after it arrives and within one packet time");
        }

        long window = Second / 2 - Second / 10;
        long line = result.LineBytes(_ => true, Second / 10, Second / 2);
        long tc1 = result.LineBytes(d => d.Tc == 1, Second / 10, Second / 2);
        Assert.That(line, Is.EqualTo(window / NanosecondsPerByte).Within(window / NanosecondsPerByte / 100), "backlogged: the line never idles (within 1%)");
        Assert.That((double)tc1 / line, Is.EqualTo(0.4).Within(0.4 * 0.03), "class 1 gets what class 0 leaves");
        result.AssertLineIsRespected();
        result.AssertConservation();
    }

    [Test]
    public void Best_effort_queues_share_the_pipe_by_their_wrr_weights()
    {
        // Each queue is offered twice the line, so none ever runs empty (an emptied queue rejoins the round at zero).
        int[] weights = [1, 2, 3, 4];
        var trace = new TraceBuilder();
        for (int q = 0; q < 4; q++)
        {
            trace.Flow(0, 0, tc: 12, queue: q, length: 1000, intervalNs: Wire1000 / 2, startNs: q, endNs: 300 * Millisecond);
        }

        var result = Run(Port(wrr: "[1, 2, 3, 4]"), trace.ToCsv());

        long total = result.LineBytes(_ => true, 50 * Millisecond, 300 * Millisecond);
        for (int q = 0; q < 4; q++)
        {
            double share = (double)result.LineBytes(d => d.Queue == q, 50 * Millisecond, 300 * Millisecond) / total;
            double expected = weights[q] / 10.0;
            Assert.That(share, Is.EqualTo(expected).Within(expected * 0.03), $"queue {q} of weight {weights[q]}");
        }

        result.AssertLineIsRespected();
        result.AssertConservation();
    }

    [Test]
    public void Wrr_shares_are_in_bytes_whatever_the_packet_sizes()
    {
        var trace = new TraceBuilder()
            .Flow(0, 0, tc: 12, queue: 0, length: 500, intervalNs: 524 * NanosecondsPerByte / 4, startNs: 0, endNs: 300 * Millisecond)
            .Flow(0, 0, tc: 12, queue: 1, length: 1500, intervalNs: 1524 * NanosecondsPerByte / 4, startNs: 0, endNs: 300 * Millisecond);
        var result = Run(Port(), trace.ToCsv());

        var window = result.Departures.Where(d => d.DepartNs >= 50 * Millisecond && d.DepartNs < 300 * Millisecond).ToList();
        double small = window.Where(d => d.Queue == 0).Sum(d => (double)d.Length);
        double large = window.Where(d => d.Queue == 1).Sum(d => (double)d.Length);
        Assert.That(small / (small + large), Is.EqualTo(0.5).Within(0.015), "equal weights, equal bytes: 3 small packets per large one");
        result.AssertConservation();
    }

    [TestCase(new[] { 1, 1, 1, 1, 1 })]
    [TestCase(new[] { 1, 2, 3, 4 })]
    public void Oversubscribed_best_effort_is_shared_by_the_pipes_weights(int[] weights)
    {
        // The subport's best effort is capped at 20 Mbit/s (2.5 MB/s) while each pipe could send 10 Mbit/s of it;
        // every pipe offers twice its rate of 100-byte packets, so all stay backlogged.
        string profiles = string.Join("\n", weights.Distinct().Select(w => $$"""
              w{{w}}:
                rate: 10mbps
                bucket: 20kB
                tc_rates: 10mbps
                tc_period: 10ms
                be_weight: {{w}}
            """));
        string groups = string.Join("\n", weights.Select(w => $"      - {{ count: 1, profile: w{w} }}"));
        string yaml = $"""
            port:
              rate: 100mbps
              mtu: 256
            subport_profiles:
              main:
                rate: 100mbps
                bucket: 100kB
                tc_rates: [100mbps, 100mbps, 100mbps, 100mbps, 100mbps, 100mbps, 100mbps, 100mbps, 100mbps, 100mbps, 100mbps, 100mbps, 20mbps]
                tc_period: 5ms
            pipe_profiles:
            {profiles}
            subports:
              - profile: main
                queue_sizes: 64
                oversubscription: true
                pipes:
            {groups}
            """;
        var trace = new TraceBuilder();
        for (int p = 0; p < weights.Length; p++)
        {
            trace.Flow(0, p, tc: 12, queue: p % 4, length: 100, intervalNs: 124 * 8 * 100 / 2, startNs: p * 1000, endNs: 2200 * Millisecond);
        }

        var result = Run(yaml, trace.ToCsv(), idleStepNs: 10_000);

        long from = 1200 * Millisecond, to = 2200 * Millisecond;
        long total = result.LineBytes(_ => true, from, to);
        // Why 4%: a pipe's allowance is only about 20 packets a period, and the part of it too small for a packet
        // is lost when the period ends (the conformance test, with 10 times the budget, holds 2%).
        Assert.That(total, Is.EqualTo(2_500_000).Within(2_500_000 / 25), "the subport's best-effort budget is used in full, within 4%");
        for (int p = 0; p < weights.Length; p++)
        {
            double expected = (double)weights[p] / weights.Sum();
            double share = (double)result.LineBytes(d => d.Pipe == p, from, to) / total;
            Assert.That(share, Is.EqualTo(expected).Within(expected * 0.03), $"pipe {p} of weight {weights[p]}");
        }

        result.AssertConservation();
    }

    [Test]
    public void A_burst_into_a_short_queue_is_tail_dropped_exactly()
    {
        var trace = new TraceBuilder();
        for (int i = 0; i < 100; i++)
        {
            trace.Row(0, 1000, 0, 0, tc: 3);
        }

        var result = Run(Port(queueSizes: "16"), trace.ToCsv());

        var tc3 = result.Class(0, 3);
        Assert.That((Count(tc3, "sent"), Dropped(tc3, "queue_full"), Dropped(tc3, "red"), Dropped(tc3, "pie")), Is.EqualTo((16L, 84L, 0L, 0L)));
        Assert.That(result.Departures.Select(d => d.DepartNs), Is.EqualTo(Enumerable.Range(0, 16).Select(i => i * Wire1000)), "back to back from time 0");
        Assert.That(result.Document.RootElement.GetProperty("duration_ns").GetInt64(), Is.EqualTo(16 * Wire1000));
        result.AssertConservation();
    }

    [Test]
    public void Red_drops_early_and_drops_red_packets_before_green_ones()
    {
        const string red = """
                congestion:
                  red:
                    12: { green: { min: 32, max: 64, inv_prob: 10 }, yellow: { min: 16, max: 64, inv_prob: 10 },
                          red: { min: 4, max: 16, inv_prob: 1 }, weight_log2: 3 }
            """;
        long RedDrops(string color, out ReplayResult result)
        {
            var trace = new TraceBuilder { WithColor = true }.Flow(0, 0, tc: 12, queue: 0, length: 1000, intervalNs: 500_000, startNs: 0, endNs: Second / 2, color: color);
            result = Run(Port(pipeRate: "8mbps", congestion: red), trace.ToCsv(), idleStepNs: 10_000);
            result.AssertConservation();
            return Dropped(result.Class(0, 12), "red");
        }

        long redPackets = RedDrops("red", out var redRun);
        long greenPackets = RedDrops("green", out _);

        Assert.That(redPackets, Is.Positive, "RED drops before the queue is full");
        Assert.That(redPackets, Is.GreaterThan(greenPackets), "red packets meet lower thresholds");
        Assert.That(Dropped(redRun.Class(0, 12), "queue_full"), Is.LessThan(redPackets), "RED, not the tail, controls the red queue");
    }

    [Test]
    public void Pie_drops_to_hold_the_delay_near_its_target()
    {
        const string pie = """
                congestion:
                  pie:
                    12: { tail_drop: 64, qdelay_ref: 2ms, update_interval: 2ms, max_burst: 0ms }
            """;
        var trace = new TraceBuilder().Flow(0, 0, tc: 12, queue: 0, length: 1000, intervalNs: 500_000, startNs: 0, endNs: Second);
        var result = Run(Port(pipeRate: "8mbps", congestion: pie), trace.ToCsv(), idleStepNs: 10_000);

        var be = result.Class(0, 12);
        Assert.That(Dropped(be, "pie"), Is.Positive, "PIE drops when the delay passes its target");
        Assert.That(Dropped(be, "pie"), Is.GreaterThan(Dropped(be, "queue_full")), "PIE, not the tail, does most of the dropping");
        result.AssertConservation();
    }
}
