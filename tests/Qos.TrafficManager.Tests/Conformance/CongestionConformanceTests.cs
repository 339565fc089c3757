using System;
using System.Linq;
using NUnit.Framework;
using Qos.Shaping.Congestion;
using Qos.TrafficManager.Configuration;
using static Qos.TrafficManager.Tests.Conformance.Profiles;

namespace Qos.TrafficManager.Tests.Conformance;

/// <summary>RED and PIE inside the scheduler: a pipe offered twice its rate, with active queue management on best effort.</summary>
[TestFixture]
public sealed class CongestionConformanceTests
{
    private const long Port = 12_500_000;    // 100 Mbit/s
    private const long PipeRate = 1_250_000; // 10 Mbit/s
    private const int QueueSize = 1024;

    private static PortConfig Config(RedProfile? red = null, PieParameters? pie = null)
    {
        var sizes = Enumerable.Repeat(QueueSize, 13).ToArray();
        var reds = new RedProfile?[13];
        var pies = new PieParameters?[13];
        reds[12] = red;
        pies[12] = pie;
        return new PortConfig
        {
            Rate = Port,
            TxLead = 1,
            SubportProfiles = [Subport(Port)],
            PipeProfiles = [Pipe(PipeRate)],
            Subports = [new SubportConfig { QueueSizes = sizes, Pipes = [new PipeGroup(1, 0)], Red = reds, Pie = pies }],
        };
    }

    [Test]
    public void Red_drops_early_by_colour_and_keeps_the_queue_below_its_max_threshold()
    {
        var red = new RedProfile(new RedParameters(64, 128, 10), new RedParameters(32, 128, 10), new RedParameters(16, 128, 10), weightLog2: 4);
        using var line = new Line(Config(red: red), idleStep: 100);
        var rng = new Random(5);
        PacketColor[] colors = [PacketColor.Green, PacketColor.Yellow, PacketColor.Red];
        int offered = 0;
        var offeredByColor = new int[3];
        long interval = Port * 976 / PipeRate / 2; // twice the pipe rate
        line.Periodic(0, 0, tc: 12, queue: 0, length: 976, interval: interval, color: () =>
        {
            var c = colors[rng.Next(3)];
            offeredByColor[(int)c]++;
            offered++;
            return c;
        });
        int longest = 0;
        for (int step = 0; step < 400; step++)
        {
            line.Run(Seconds(0.005, Port));
            longest = Math.Max(longest, line.Scheduler.QueueLength(0, 0, 12));
        }

        var stats = line.Scheduler.ReadClassStats(0, 12);
        Assert.That(stats.Dropped.Red.Packets, Is.GreaterThan(offered / 4), "half the offered load must go: RED takes it");
        Assert.That(stats.Dropped.QueueFull.Packets, Is.Zero, "RED acts before the queue fills");
        Assert.That(longest, Is.LessThanOrEqualTo(140), "the average never passes max (128) by much: the queue stays short");
        line.AssertConservation();
    }

    [Test]
    public void Wred_drops_red_before_yellow_before_green()
    {
        var red = new RedProfile(new RedParameters(64, 128, 10), new RedParameters(32, 96, 10), new RedParameters(16, 64, 10), weightLog2: 4);
        using var line = new Line(Config(red: red), idleStep: 100);
        long interval = Port * 976 / PipeRate * 2 / 3; // 1.5 × the pipe rate, colours in turn
        int turn = 0;
        var offered = new long[3];
        PacketColor[] colors = [PacketColor.Green, PacketColor.Yellow, PacketColor.Red];
        line.Periodic(0, 0, tc: 12, queue: 1, length: 976, interval: interval, color: () =>
        {
            var c = colors[turn++ % 3];
            offered[(int)c]++;
            return c;
        });
        line.Run(Seconds(2, Port));
        line.StopSources();
        line.Run(Seconds(1, Port)); // drain: everything offered is now sent or dropped
        Assert.That(line.Scheduler.QueuedPackets, Is.Zero);
        var dropFraction = Enumerable.Range(0, 3).Select(c => 1 - ((double)line.SentByColor[c] / offered[c])).ToArray();
        Assert.That(dropFraction[2], Is.GreaterThan(dropFraction[1]), "red drops more than yellow");
        Assert.That(dropFraction[1], Is.GreaterThan(dropFraction[0]), "yellow drops more than green");
        Assert.That(dropFraction[2], Is.GreaterThan(0.5), "red takes most of the one third that must go");
        Assert.That(line.Scheduler.ReadClassStats(0, 12).Dropped.Red.Packets, Is.EqualTo(offered.Sum() - line.Sent), "every drop counted as a RED drop");
        line.AssertConservation();
    }

    [Test]
    public void Pie_holds_the_queueing_delay_near_its_reference_where_tail_drop_would_fill_the_queue()
    {
        var pie = new PieParameters(Port, tailDropThreshold: QueueSize, queueDelayReferenceMilliseconds: 15, updateIntervalMilliseconds: 15, maxBurstMilliseconds: 150);
        using var line = new Line(Config(pie: pie), idleStep: 100);
        long interval = Port * 976 / PipeRate / 2;
        line.Periodic(0, 0, tc: 12, queue: 2, length: 976, interval: interval);
        line.Run(Seconds(3, Port)); // PIE adapts
        double delaySum = 0;
        int samples = 0;
        for (int step = 0; step < 300; step++)
        {
            line.Run(Seconds(0.01, Port));
            delaySum += line.Scheduler.QueueLength(0, 0, 12, 2) * 1000.0 / PipeRate;
            samples++;
        }

        double meanDelay = delaySum / samples;
        var stats = line.Scheduler.ReadClassStats(0, 12);
        Assert.That(stats.Dropped.Pie.Packets, Is.GreaterThan(0), "PIE drops early");
        Assert.That(stats.Dropped.QueueFull.Packets, Is.Zero, "the tail threshold is never reached");
        Assert.That(meanDelay, Is.InRange(0.005, 0.045), $"mean queueing delay {meanDelay * 1000:F1} ms stays near the 15 ms reference (a full queue would be {QueueSize * 1000.0 / PipeRate * 1000:F0} ms)");
        line.AssertConservation();
    }

    [Test]
    public void Red_max_threshold_above_the_queue_size_is_refused()
    {
        var red = new RedProfile(new RedParameters(64, 2048, 10), new RedParameters(32, 128, 10), new RedParameters(16, 128, 10), weightLog2: 4);
        var e = Assert.Throws<ConfigurationException>(() => new PortScheduler(Config(red: red), new Shaping.Clock.VirtualByteClock(Port)).Dispose());
        Assert.That(e!.Field, Is.EqualTo("subports[0].congestion.red[12].green.max"));
    }

    [Test]
    public void A_class_cannot_have_both_red_and_pie()
    {
        var red = new RedProfile(new RedParameters(64, 128, 10), new RedParameters(32, 128, 10), new RedParameters(16, 128, 10), weightLog2: 4);
        var e = Assert.Throws<ConfigurationException>(() => new PortScheduler(Config(red: red, pie: new PieParameters(Port, 100)), new Shaping.Clock.VirtualByteClock(Port)).Dispose());
        Assert.That(e!.Rule, Does.Contain("both RED and PIE"));
    }
}
