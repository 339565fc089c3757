using System;
using System.Linq;
using NUnit.Framework;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;
using static Qos.TrafficManager.Tests.Conformance.Profiles;

namespace Qos.TrafficManager.Tests.Conformance;

/// <summary>
/// The scheduler's shaping, specified on a virtual clock with an exact line. Rates are line bytes
/// (length + 24 bytes of frame overhead) per second, measured over windows that start after the initial
/// bucket has been spent and are long enough that one bucket is well under 1% of the window.
/// </summary>
[TestFixture]
public sealed class ShapingConformanceTests
{
    private const long Port = Gigabit; // 125 MB/s

    private static void AssertRate(long sentCost, long rate, long window, string what, double tolerance = 0.01)
    {
        double expected = (double)rate * window / Port;
        Assert.That(sentCost, Is.EqualTo(expected).Within(expected * tolerance), $"{what}: rate within {tolerance:P0} of {rate} B/s");
    }

    [Test]
    public void A_backlogged_pipe_is_held_to_its_rate()
    {
        const long Rate = 12_500_000; // 100 Mbit/s
        using var line = new Line(Port(Port, Subport(Port), [Pipe(Rate)], [new PipeGroup(1, 0)]));
        line.Backlog(0, 0, tc: 0);
        long start = line.Clock.Now();
        line.Run(Seconds(0.01, Port));
        Assert.That(line.SentCostOfPipe(0, 0), Is.LessThanOrEqualTo((Rate * (line.Clock.Now() - start) / Port) + 10_000),
            "never more than rate × time + one bucket, even with the initial burst");

        long before = line.SentCostOfPipe(0, 0);
        long window = Seconds(0.2, Port);
        line.Run(window);
        AssertRate(line.SentCostOfPipe(0, 0) - before, Rate, window, "pipe");
        line.AssertConservation();
    }

    [Test]
    public void A_subport_caps_the_sum_of_its_pipes()
    {
        const long SubportRate = 50_000_000; // 40% of the port
        using var line = new Line(Port(Port, Subport(SubportRate), [Pipe(Port)], [new PipeGroup(4, 0)]));
        for (int p = 0; p < 4; p++)
        {
            line.Backlog(0, p, tc: 12, queue: p % 4);
        }

        line.Run(Seconds(0.01, Port));
        long before = Enumerable.Range(0, 4).Sum(p => line.SentCostOfPipe(0, p));
        long window = Seconds(0.2, Port);
        line.Run(window);
        long sent = Enumerable.Range(0, 4).Sum(p => line.SentCostOfPipe(0, p)) - before;
        AssertRate(sent, SubportRate, window, "subport");
        line.AssertConservation();
    }

    [Test]
    public void A_class_cap_holds_the_class_and_leaves_the_rest_of_the_pipe_to_lower_classes()
    {
        const long PipeRate = 50_000_000, ClassCap = 10_000_000;
        var caps = Rates(PipeRate);
        caps[3] = ClassCap;
        using var line = new Line(Port(Port, Subport(Port), [Pipe(PipeRate, classRates: caps)], [new PipeGroup(1, 0)]));
        line.Backlog(0, 0, tc: 3);
        line.Backlog(0, 0, tc: 12, queue: 0);
        line.Run(Seconds(0.02, Port));
        long tc3 = line.SentCost(0, 0, 3), be = line.SentCost(0, 0, 12);
        long window = Seconds(0.5, Port);
        line.Run(window);
        AssertRate(line.SentCost(0, 0, 3) - tc3, ClassCap, window, "class 3 at its cap");
        AssertRate(line.SentCost(0, 0, 12) - be, PipeRate - ClassCap, window, "best effort gets the rest of the pipe");
        line.AssertConservation();
    }

    [Test]
    public void A_subport_class_cap_holds_across_pipes()
    {
        var caps = Rates(Port);
        caps[1] = 20_000_000;
        using var line = new Line(Port(Port, Subport(Port, classRates: caps), [Pipe(Port)], [new PipeGroup(3, 0)]));
        for (int p = 0; p < 3; p++)
        {
            line.Backlog(0, p, tc: 1);
        }

        line.Run(Seconds(0.02, Port));
        long before = Enumerable.Range(0, 3).Sum(p => line.SentCost(0, p, 1));
        long window = Seconds(0.5, Port);
        line.Run(window);
        AssertRate(Enumerable.Range(0, 3).Sum(p => line.SentCost(0, p, 1)) - before, 20_000_000, window, "subport class 1");
        line.AssertConservation();
    }

    [Test]
    public void A_higher_class_starves_a_lower_one_when_the_pipe_is_saturated()
    {
        // Class 0 may use the whole pipe (its cap is the pipe rate). The only gap a lower class can use is the
        // rounding of that cap: less than one class-0 frame per class period.
        const long PipeRate = 25_000_000;
        using var line = new Line(Port(Port, Subport(Port), [Pipe(PipeRate)], [new PipeGroup(1, 0)]));
        var rng = new Random(2);
        line.Backlog(0, 0, tc: 0, length: () => 1500);
        line.Backlog(0, 0, tc: 5, length: () => rng.Next(64, 200)); // smaller packets must not sneak past the bucket
        line.Run(Seconds(0.01, Port));
        long low = line.SentCost(0, 0, 5), high = line.SentCost(0, 0, 0);
        long window = Seconds(0.2, Port);
        line.Run(window);
        long periods = window / Seconds(0.01, Port);
        Assert.That(line.SentCost(0, 0, 5) - low, Is.LessThan(periods * 1524), "class 5 gets only the rounding of class 0's cap");
        AssertRate(line.SentCost(0, 0, 0) - high, PipeRate, window, "class 0 takes the pipe");
        line.AssertConservation();
    }

    [Test]
    public void A_lower_class_gets_what_a_capped_higher_class_leaves()
    {
        const long PipeRate = 25_000_000;
        var caps = Rates(PipeRate);
        caps[0] = 10_000_000;
        using var line = new Line(Port(Port, Subport(Port), [Pipe(PipeRate, classRates: caps)], [new PipeGroup(1, 0)]));
        line.Backlog(0, 0, tc: 0, length: () => 1500);
        line.Backlog(0, 0, tc: 5, length: () => 100);
        line.Run(Seconds(0.02, Port));
        long high = line.SentCost(0, 0, 0), low = line.SentCost(0, 0, 5);
        long window = Seconds(0.3, Port);
        line.Run(window);
        AssertRate(line.SentCost(0, 0, 0) - high, 10_000_000, window, "class 0 at its cap");
        AssertRate(line.SentCost(0, 0, 5) - low, 15_000_000, window, "class 5 takes the rest of the pipe");
        line.AssertConservation();
    }

    [Test]
    public void Strict_priority_orders_departures_by_class_when_all_are_eligible()
    {
        using var line = new Line(Port(Port, Subport(Port), [Pipe(Port)], [new PipeGroup(1, 0)]));
        line.Departures = [];
        for (int tc = TrafficClass.BestEffort; tc >= 0; tc--)
        {
            line.Offer(0, 0, tc, count: 2);
        }

        line.Run(Seconds(0.001, Port));
        var classes = line.Departures.Select(p => p.TrafficClass).ToArray();
        Assert.That(classes, Is.EqualTo(Enumerable.Range(0, 13).SelectMany(tc => new[] { tc, tc }).ToArray()), "class 0 first, best effort last, FIFO within a queue");
        line.AssertConservation();
    }

    [TestCase(new[] { 1, 2, 3, 4 })]
    [TestCase(new[] { 7, 11, 13, 17 })]
    public void Best_effort_queues_share_the_pipe_bytes_by_their_weights(int[] weights)
    {
        const long PipeRate = 25_000_000;
        using var line = new Line(Port(Port, Subport(Port), [Pipe(PipeRate, wrr: weights)], [new PipeGroup(1, 0)]));
        var rng = new Random(4);
        int[][] sizes = [[64, 1500], [594], [64, 594, 1500], [200, 1000]];
        for (int q = 0; q < 4; q++)
        {
            int[] mix = sizes[q];
            line.Backlog(0, 0, tc: 12, queue: q, length: () => mix[rng.Next(mix.Length)]);
        }

        line.Run(Seconds(0.5, Port));
        var stats = Enumerable.Range(0, 4).Select(q => line.Scheduler.ReadQueueStats(0, 0, 12, q).Sent.Bytes).ToArray();
        double total = stats.Sum();
        for (int q = 0; q < 4; q++)
        {
            double share = weights[q] / (double)weights.Sum();
            Assert.That(stats[q] / total, Is.EqualTo(share).Within(share * 0.01), $"queue {q} byte share for weights {string.Join(":", weights)}");
        }

        line.AssertConservation();
    }

    [Test]
    public void The_port_sends_at_line_rate_counting_the_frame_overhead()
    {
        using var line = new Line(Port(Port, Subport(Port), [Pipe(Port)], [new PipeGroup(2, 0)]));
        line.Backlog(0, 0, tc: 0, length: () => 64);
        line.Backlog(0, 1, tc: 12, length: () => 64);
        long window = Seconds(0.01, Port);
        line.Run(window);
        Assert.That(line.Sent, Is.EqualTo(window / (64 + 24)).Within(1), "64-byte frames cost 88 bytes of line time each");
        Assert.That(line.IdleWhileQueued, Is.Zero, "the line never idles while packets wait");
        line.AssertConservation();
    }

    [Test]
    public void The_line_never_idles_while_an_eligible_packet_waits()
    {
        // Two shaped pipes and one unshaped: the unshaped one fills every gap the others leave.
        using var line = new Line(Port(Port, Subport(Port), [Pipe(30_000_000), Pipe(Port)], [new PipeGroup(2, 0), new PipeGroup(1, 1)]));
        line.Backlog(0, 0, tc: 2);
        line.Backlog(0, 1, tc: 7);
        line.Backlog(0, 2, tc: 12, queue: 3, length: () => 300);
        long start = line.Clock.Now();
        line.Run(Seconds(0.1, Port));
        long elapsed = line.Clock.Now() - start;
        long sent = line.SentCostOfPipe(0, 0) + line.SentCostOfPipe(0, 1) + line.SentCostOfPipe(0, 2);
        Assert.That(line.IdleWhileQueued, Is.Zero, "work conservation: no idle line while the unshaped pipe has packets");
        Assert.That(sent, Is.EqualTo(elapsed).Within(1524), "every byte of line time carried a packet");
        line.AssertConservation();
    }

    [Test]
    public void A_pipe_profile_change_mid_run_takes_effect()
    {
        using var line = new Line(Port(Port, Subport(Port), [Pipe(12_500_000), Pipe(37_500_000)], [new PipeGroup(1, 0)]));
        line.Backlog(0, 0, tc: 12);
        line.Run(Seconds(0.2, Port));
        line.Scheduler.ChangePipeProfile(0, 0, 1);
        Assert.That(line.Scheduler.PipeProfileOf(0, 0), Is.EqualTo(1));
        line.Run(Seconds(0.01, Port));
        long before = line.SentCostOfPipe(0, 0);
        long window = Seconds(0.2, Port);
        line.Run(window);
        AssertRate(line.SentCostOfPipe(0, 0) - before, 37_500_000, window, "the new profile's rate");
        line.AssertConservation();
    }

    [Test]
    public void A_subport_profile_change_mid_run_takes_effect()
    {
        var config = new PortConfig
        {
            Rate = Port,
            TxLead = 1,
            SubportProfiles = [Subport(25_000_000), Subport(75_000_000)],
            PipeProfiles = [Pipe(Port)],
            Subports = [new SubportConfig { Profile = 0, QueueSizes = Enumerable.Repeat(64, 13).ToArray(), Pipes = [new PipeGroup(2, 0)] }],
        };
        using var line = new Line(config);
        line.Backlog(0, 0, tc: 4);
        line.Backlog(0, 1, tc: 12);
        line.Run(Seconds(0.05, Port));
        line.Scheduler.ChangeSubportProfile(0, 1);
        line.Run(Seconds(0.01, Port));
        long before = line.SentCostOfPipe(0, 0) + line.SentCostOfPipe(0, 1);
        long window = Seconds(0.2, Port);
        line.Run(window);
        AssertRate(line.SentCostOfPipe(0, 0) + line.SentCostOfPipe(0, 1) - before, 75_000_000, window, "the new subport rate");
        line.AssertConservation();
    }

    [Test]
    public void Port_time_never_runs_more_than_its_lead_ahead_of_the_clock()
    {
        var config = Port(Port, Subport(Port), [Pipe(Port)], [new PipeGroup(64, 0)]);
        const long Lead = 20_000;
        config = new PortConfig { Rate = config.Rate, TxLead = Lead, SubportProfiles = config.SubportProfiles, PipeProfiles = config.PipeProfiles, Subports = config.Subports };
        using var line = new Line(config);
        for (int p = 0; p < 64; p++)
        {
            line.Offer(0, p, tc: 12, queue: 0, length: 1500, count: 32);
        }

        var buffer = new Packets.Packet[4096];
        int n = line.Scheduler.Dequeue(buffer);
        Assert.That(n, Is.EqualTo((int)Math.Ceiling(Lead / 1524.0)), "it hands out only what fits in the lead, however much room the caller offers");
        Assert.That(line.Scheduler.PortTime - line.Clock.Now(), Is.LessThan(Lead + 1524));
        Assert.That(line.Scheduler.Dequeue(buffer), Is.Zero, "nothing more until the line has moved on");
        line.Clock.Advance(3048);
        int more = line.Scheduler.Dequeue(buffer);
        Assert.That(more, Is.EqualTo(2), "the line moved two frames on: two more fit");
        Assert.That(line.Scheduler.QueuedPackets, Is.EqualTo(64 * 32 - n - more), "conservation: what was handed out left the queues");
    }
}
