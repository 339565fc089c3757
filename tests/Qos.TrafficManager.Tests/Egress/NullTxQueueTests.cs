using System;
using NUnit.Framework;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Pipeline;

namespace Qos.TrafficManager.Tests.Egress;

[TestFixture]
public sealed class NullTxQueueTests : TxQueueContractTests
{
    protected override bool Unbounded => true;

    protected override ITxQueue Create(FramePool pool) => new NullTxQueue();

    [Test]
    public void It_takes_everything_completes_it_at_once_and_counts_packets_and_bytes()
    {
        var queue = new NullTxQueue();
        var burst = new Packet[100];
        for (int i = 0; i < burst.Length; i++)
        {
            burst[i] = Packet.Create((ulong)i, 100 + i, 0, 0, 0);
        }

        queue.Push(burst, 10);
        queue.Push(burst.AsSpan(0, 50), 20);
        Assert.That(queue.Room(20), Is.EqualTo(int.MaxValue), "room is unbounded");
        Assert.That(queue.Stats, Is.EqualTo(new TxQueueStats(150, (100 * 100) + 4950 + (50 * 100) + 1225, 0, 0)), "packets and bytes are counted; there is no wire to idle");
        Assert.That(queue.WireFree, Is.EqualTo(20), "nothing waits for the null wire");

        var frames = new int[200];
        Assert.That(queue.Complete(frames, 20), Is.EqualTo(150), "everything pushed completes at once, past the first 64 pending");
        for (int i = 0; i < 150; i++)
        {
            Assert.That(frames[i], Is.EqualTo(i % 100), "in push order");
        }

        Assert.That(queue.Complete(frames, 20), Is.Zero, "and once");
    }
}
