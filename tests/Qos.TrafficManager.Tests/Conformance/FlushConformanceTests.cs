using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Tests.Conformance;

[TestFixture]
public sealed class FlushConformanceTests
{
    [Test]
    public void Flush_hands_back_every_queued_packet_once_counts_none_as_sent_and_leaves_the_scheduler_usable()
    {
        PortConfig config = Profiles.Port(Profiles.Gigabit, Profiles.Subport(Profiles.Gigabit), [Profiles.Pipe(1_000_000)], [new PipeGroup(32, 0)]);
        var clock = new VirtualByteClock(config.Rate);
        using var scheduler = new PortScheduler(config, clock);
        var offered = new List<Packet>();
        ulong handle = 0;
        for (int pipe = 0; pipe < 32; pipe++)
        {
            for (int tc = 0; tc < 13; tc += 3)
            {
                for (int i = 0; i < 5; i++)
                {
                    offered.Add(Packet.Create(handle++, 200 + (pipe * 10), 0, pipe, tc, tc == 12 ? i % 4 : 0));
                }
            }
        }

        Assert.That(scheduler.Enqueue(offered.ToArray()), Is.EqualTo(offered.Count));
        clock.Advance(20_000);
        var sent = new Packet[40];
        int n = scheduler.Dequeue(sent);
        Assert.That(n, Is.GreaterThan(0), "some packets leave first, so grinders hold pipes when the flush comes");

        var flushed = new List<Packet>();
        long count = scheduler.Flush(flushed.Add);

        Assert.That(count, Is.EqualTo(offered.Count - n), "what was queued is flushed");
        Assert.That(flushed.Select(p => p.Handle).Concat(sent.Take(n).Select(p => p.Handle)).Order(), Is.EqualTo(offered.Select(p => p.Handle)),
            "every packet either left or was flushed, exactly once");
        Assert.That(scheduler.QueuedPackets, Is.Zero, "nothing is queued after a flush");
        Assert.That(scheduler.ReadQueueStats(0, 0, 0).Sent.Packets + scheduler.ReadQueueStats(0, 0, 0).Queued.Packets,
            Is.EqualTo(sent.Take(n).Count(p => p.Pipe == 0 && p.TrafficClass == 0)), "flushed packets count as neither sent nor queued");
        Assert.That(scheduler.FindBrokenInvariant(), Is.Null, "the bitmap and the queues agree after a flush");
        clock.Advance(10_000_000);
        Assert.That(scheduler.Dequeue(sent), Is.Zero, "nothing left to send");

        Assert.That(scheduler.Enqueue([Packet.Create(9999, 500, 0, 7, 12, 2)]), Is.EqualTo(1));
        Assert.That(scheduler.Dequeue(sent), Is.EqualTo(1), "the scheduler takes and sends packets again");
        Assert.That(sent[0].Handle, Is.EqualTo(9999UL));
    }
}
