using System;
using System.Linq;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Tests.Conformance;

[TestFixture]
public sealed class LongBurstTests
{
    [Test]
    public void A_burst_longer_than_one_enqueue_chunk_with_a_bad_descriptor_near_its_end_is_refused_whole()
    {
        PortConfig config = Profiles.Port(Profiles.Gigabit, Profiles.Subport(Profiles.Gigabit), [Profiles.Pipe(1_000_000)], [new PipeGroup(8, 0)]);
        using var scheduler = new PortScheduler(config, new VirtualByteClock(config.Rate));
        var burst = Enumerable.Range(0, 100).Select(i => Packet.Create((ulong)i, 100, 0, i % 8, 12, i % 4)).ToArray();
        burst[80] = Packet.Create(80, 2000, 0, 0, 12);   // above the MTU

        var e = Assert.Throws<ArgumentException>(() => scheduler.Enqueue(burst, new Packet[100]));
        Assert.That(e!.Message, Does.Contain("80"), "the bad descriptor is named by its index in the burst");
        Assert.That(scheduler.QueuedPackets, Is.Zero, "nothing of the burst was queued: the first 64 did not go in before the check");
        Assert.That(scheduler.ReadClassStats(0, 12).Dropped.Total.Packets, Is.Zero, "and nothing was counted as dropped");
    }
}
