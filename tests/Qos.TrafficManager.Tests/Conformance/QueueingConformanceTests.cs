using System;
using System.Linq;
using NUnit.Framework;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Stats;
using static Qos.TrafficManager.Tests.Conformance.Profiles;

namespace Qos.TrafficManager.Tests.Conformance;

/// <summary>Queues, drops, stats and the enqueue contract.</summary>
[TestFixture]
public sealed class QueueingConformanceTests
{
    private const long Port = Gigabit;

    [Test]
    public void A_full_queue_drops_and_counts_the_excess_by_reason()
    {
        using var line = new Line(Port(Port, Subport(Port), [Pipe(Port)], [new PipeGroup(2, 0)], queueSize: 16));
        Assert.That(line.Offer(0, 1, tc: 12, queue: 2, length: 100, count: 20), Is.EqualTo(16), "16 fit");
        Assert.That(line.Scheduler.QueueLength(0, 1, 12, 2), Is.EqualTo(16));
        var queue = line.Scheduler.ReadQueueStats(0, 1, 12, 2);
        Assert.That(queue.Dropped.QueueFull, Is.EqualTo(new TrafficCounters(4, 400)));
        Assert.That(queue.Queued, Is.EqualTo(new TrafficCounters(16, 1600)));
        Assert.That(line.Scheduler.ReadClassStats(0, 12).Dropped.Total, Is.EqualTo(new TrafficCounters(4, 400)));
        Assert.That(line.Scheduler.ReadQueueStats(0, 1, 12, 1).Dropped.Total.Packets, Is.Zero, "a neighbouring queue is untouched");
        line.Run(Seconds(0.001, Port));
        Assert.That(line.Scheduler.ReadQueueStats(0, 1, 12, 2).Sent, Is.EqualTo(new TrafficCounters(16, 1600)));
        line.AssertConservation();
    }

    [Test]
    public void Read_and_clear_starts_the_counters_again_while_packets_stay_queued()
    {
        using var line = new Line(Port(Port, Subport(Port), [Pipe(Port)], [new PipeGroup(1, 0)], queueSize: 8));
        line.Offer(0, 0, tc: 3, length: 500, count: 10);
        var buffer = new Packet[3];
        line.Scheduler.Dequeue(buffer);
        line.Clock.Set(line.Scheduler.PortTime);
        var first = line.Scheduler.ReadQueueStats(0, 0, 3, clear: true);
        Assert.That(first.Sent.Packets, Is.EqualTo(1), "one packet fits a TxLead of one byte per call");
        Assert.That(first.Dropped.QueueFull.Packets, Is.EqualTo(2));
        Assert.That(first.Queued.Packets, Is.EqualTo(7));
        var cleared = line.Scheduler.ReadQueueStats(0, 0, 3);
        Assert.That(cleared.Sent.Packets + cleared.Dropped.Total.Packets, Is.Zero, "cleared");
        Assert.That(cleared.Queued.Packets, Is.EqualTo(7), "clearing does not touch the queue");
        var classStats = line.Scheduler.ReadClassStats(0, 3, clear: true);
        Assert.That(classStats.Sent.Packets, Is.EqualTo(1));
        Assert.That(line.Scheduler.ReadClassStats(0, 3).Sent.Packets, Is.Zero);
        line.Run(Seconds(0.001, Port));
        Assert.That(line.Scheduler.ReadQueueStats(0, 0, 3).Sent, Is.EqualTo(new TrafficCounters(7, 3500)), "only what left after the clear");
    }

    [Test]
    public void The_dropped_descriptors_are_handed_back_in_burst_order_so_their_handles_can_be_freed()
    {
        using var line = new Line(Port(Port, Subport(Port), [Pipe(Port)], [new PipeGroup(2, 0)], queueSize: 4));
        // Queue (1, 12, 0) takes 4 of its 6; queue (0, 3) takes all 3; handles 100.. in burst order.
        var burst = Enumerable.Range(0, 9)
            .Select(i => i % 3 == 2 ? Packet.Create((ulong)(100 + i), 64, 0, 0, 3) : Packet.Create((ulong)(100 + i), 64 + i, 0, 1, 12, 0))
            .ToArray();
        var dropped = new Packet[burst.Length];

        int accepted = line.Scheduler.Enqueue(burst, dropped);

        Assert.That(accepted, Is.EqualTo(7));
        Assert.That(dropped.Take(2).Select(p => p.Handle), Is.EqualTo(new ulong[] { 106, 107 }), "the last two of the full queue, in order");
        Assert.That(dropped[1], Is.EqualTo(burst[7]), "the whole descriptor comes back");
        Assert.That(line.Scheduler.ReadQueueStats(0, 1, 12, 0).Dropped.QueueFull.Packets, Is.EqualTo(2), "and the drops are counted as before");
        Assert.That(() => line.Scheduler.Enqueue(burst, new Packet[8]), Throws.ArgumentException.With.Message.Contain("fewer than the 9 packets"));
        line.Run(Seconds(0.001, Port));
        Assert.That((line.Sent, line.Scheduler.QueuedPackets), Is.EqualTo((7L, 0L)), "conservation: 9 offered = 7 sent + 2 handed back");
    }

    [Test]
    public void A_burst_with_an_invalid_descriptor_is_refused_whole_and_names_it()
    {
        using var line = new Line(Port(Port, Subport(Port), [Pipe(Port)], [new PipeGroup(4, 0)]));
        Packet[] burst = [Packet.Create(1, 100, 0, 0, 0), Packet.Create(2, 100, 0, 9, 0), Packet.Create(3, 100, 0, 1, 0)];
        var e = Assert.Throws<ArgumentException>(() => line.Scheduler.Enqueue(burst));
        Assert.That(e!.Message, Does.Contain("packets[1]").And.Contain("pipe 9 does not exist"));
        Assert.That(line.Scheduler.QueuedPackets, Is.Zero, "nothing of the burst was enqueued");
        Assert.That(() => line.Scheduler.Enqueue([Packet.Create(1, 100, 3, 0, 0)]), Throws.ArgumentException.With.Message.Contain("subport 3 does not exist"));
        Assert.That(() => line.Scheduler.Enqueue([Packet.Create(1, 0, 0, 0, 0)]), Throws.ArgumentException.With.Message.Contain("length"));
        Assert.That(() => line.Scheduler.Enqueue([Packet.Create(1, 1523, 0, 0, 0)]), Throws.ArgumentException.With.Message.Contain("length must be 1..1522"));
    }

    [Test]
    public void A_disabled_class_refuses_packets()
    {
        var config = Port(Port, Subport(Port), [Pipe(Port)], [new PipeGroup(1, 0)]);
        var sizes = Enumerable.Repeat(64, 13).ToArray();
        sizes[4] = 0;
        config = new PortConfig { Rate = Port, TxLead = 1, SubportProfiles = config.SubportProfiles, PipeProfiles = config.PipeProfiles, Subports = [new SubportConfig { QueueSizes = sizes, Pipes = [new PipeGroup(1, 0)] }] };
        using var line = new Line(config);
        Assert.That(() => line.Scheduler.Enqueue([Packet.Create(1, 100, 0, 0, 4)]), Throws.ArgumentException.With.Message.Contain("class 4 is disabled"));
        Assert.That(line.Offer(0, 0, tc: 5), Is.EqualTo(1));
        line.AssertConservation();
    }

    [Test]
    public void Thousands_of_pipes_under_random_load_conserve_every_packet_and_all_get_served()
    {
        const int Pipes = 4096;
        var subports = new[]
        {
            new SubportConfig { Profile = 0, QueueSizes = Enumerable.Repeat(16, 13).ToArray(), Pipes = [new PipeGroup(Pipes, 0)] },
            new SubportConfig { Profile = 0, QueueSizes = Enumerable.Repeat(8, 13).ToArray(), Pipes = [new PipeGroup(100, 0), new PipeGroup(28, 1)], Oversubscription = true },
        };
        var config = new PortConfig { Rate = Port, TxLead = 50_000, SubportProfiles = [Subport(Port)], PipeProfiles = [Pipe(Port), Pipe(1_000_000)], Subports = subports };
        using var line = new Line(config);
        var rng = new Random(8);
        var served = new bool[Pipes + 128];
        var buffer = new Packet[64];
        long offered = 0, sent = 0;
        for (int round = 0; round < 3000; round++)
        {
            var burst = new Packet[rng.Next(1, 65)];
            for (int i = 0; i < burst.Length; i++)
            {
                int s = rng.Next(10) < 8 ? 0 : 1;
                int pipe = rng.Next(s == 0 ? Pipes : 128);
                int tc = rng.Next(13);
                burst[i] = Packet.Create((ulong)offered++, rng.Next(64, 1523), s, pipe, tc, tc == 12 ? rng.Next(4) : 0, (Qos.Shaping.Congestion.PacketColor)rng.Next(3));
            }

            line.Scheduler.Enqueue(burst);
            int n = line.Scheduler.Dequeue(buffer.AsSpan(0, rng.Next(1, 65)));
            for (int i = 0; i < n; i++)
            {
                served[(buffer[i].Subport * Pipes) + buffer[i].Pipe] = true;
            }

            sent += n;
            line.Clock.Advance(rng.Next(0, 60_000));
        }

        // Drain.
        for (int i = 0; i < 100_000 && line.Scheduler.QueuedPackets > 0; i++)
        {
            sent += line.Scheduler.Dequeue(buffer);
            line.Clock.Advance(10_000);
        }

        long dropped = 0, sentByStats = 0;
        for (int s = 0; s < 2; s++)
        {
            for (int tc = 0; tc < TrafficClass.Count; tc++)
            {
                var stats = line.Scheduler.ReadClassStats(s, tc);
                dropped += stats.Dropped.Total.Packets;
                sentByStats += stats.Sent.Packets;
            }
        }

        Assert.That(line.Scheduler.QueuedPackets, Is.Zero, "everything drains");
        Assert.That(sentByStats, Is.EqualTo(sent));
        Assert.That(offered, Is.EqualTo(sent + dropped), "offered = sent + dropped once drained");
        Assert.That(served.Take(Pipes).Count(x => x), Is.GreaterThan(Pipes * 9 / 10), "nearly all pipes of subport 0 were served");
    }
}
