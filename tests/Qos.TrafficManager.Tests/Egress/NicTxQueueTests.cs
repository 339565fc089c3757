using System;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Pipeline;

namespace Qos.TrafficManager.Tests.Egress;

[TestFixture]
public sealed class NicTxQueueTests : TxQueueContractTests
{
    protected override ITxQueue Create(FramePool pool) => new NicTxQueue(RingCapacity, Overhead);

    private static Packet Descriptor(ulong handle, int length) => Packet.Create(handle, length, 0, 0, 12);

    [TestCase(1, 64)]
    [TestCase(16, 1000)]
    [TestCase(64, 1518)]
    public void A_burst_leaves_back_to_back_at_exactly_the_line_rate(int count, int length)
    {
        var clock = new VirtualByteClock(Rate, start: 10_000);
        var queue = new NicTxQueue(64, Overhead, start: clock.Now());
        var burst = new Packet[count];
        for (int i = 0; i < count; i++)
        {
            burst[i] = Descriptor((ulong)i, length);
        }

        long t0 = clock.Now();
        queue.Push(burst, t0);
        int slot = length + Overhead;
        Assert.That(queue.WireFree, Is.EqualTo(t0 + ((long)count * slot)), "the burst takes length + overhead bytes of line time per frame");

        var frames = new int[1];
        for (int i = 0; i < count; i++)
        {
            long end = t0 + ((long)(i + 1) * slot);
            clock.Set(end - 1);
            Assert.That(queue.Complete(frames, clock.Now()), Is.Zero, $"frame {i} has not completed one byte before its last byte is out");
            clock.Set(end);
            Assert.That(queue.Complete(frames, clock.Now()), Is.EqualTo(1), $"frame {i} completes when its last byte has left, at {end}");
            Assert.That(frames[0], Is.EqualTo(i), "in push order");
        }

        Assert.That(queue.Stats, Is.EqualTo(new TxQueueStats(count, (long)count * length, 0, 0)), "a burst pushed at once leaves the wire no gap");
    }

    [Test]
    public void Room_never_exceeds_the_ring_and_comes_back_only_as_frames_are_collected()
    {
        var queue = new NicTxQueue(4, Overhead);
        Assert.That(queue.Room(0), Is.EqualTo(4), "an empty ring has its capacity as room");
        queue.Push([Descriptor(0, 100), Descriptor(1, 100), Descriptor(2, 100), Descriptor(3, 100)], 0);
        Assert.That(queue.Room(0), Is.Zero, "a full ring has no room");
        Assert.That(queue.Room(1_000_000), Is.Zero, "sent frames hold their descriptors until they are collected");

        var frames = new int[2];
        Assert.That(queue.Complete(frames, 1_000_000), Is.EqualTo(2), "a span of two collects two");
        Assert.That(queue.Room(1_000_000), Is.EqualTo(2), "collecting frees their descriptors");
        Assert.That(queue.Complete(frames, 1_000_000), Is.EqualTo(2));
        Assert.That(queue.Room(1_000_000), Is.EqualTo(4), "room never exceeds the ring");
    }

    [Test]
    public void The_wire_counts_idle_gaps_and_the_ones_the_scheduler_caused()
    {
        var nic = new NicTxQueue(8, 0, start: 1000);
        Assert.That(nic.Push(Descriptor(0, 88), 1000), Is.EqualTo(1000), "the first packet starts at once");
        Assert.That(nic.Push(Descriptor(1, 88), 1000), Is.EqualTo(1088), "the next waits for the wire");
        Assert.That(nic.Complete(1087), Is.Zero, "nothing has left before the first end");
        Assert.That(nic.Complete(1088), Is.EqualTo(1), "the first is gone once its last byte is out");
        Assert.That(nic.Complete(1176), Is.EqualTo(1));
        nic.Backlogged = true;
        Assert.That(nic.Push(Descriptor(2, 100), 1300), Is.EqualTo(1300), "a packet pushed to an idle wire starts at once");
        Assert.That(nic.Stats.IdleTime, Is.EqualTo(124), "the wire sat idle from 1176 to 1300");
        Assert.That(nic.Stats.IdleWhileBacklogged, Is.EqualTo(124), "and the scheduler held packets meanwhile");
        nic.Backlogged = false;
        nic.Push(Descriptor(3, 100), 1500);
        Assert.That(nic.Stats.IdleTime, Is.EqualTo(224), "the gap from 1400 to 1500 adds to the idle time");
        Assert.That(nic.Stats.IdleWhileBacklogged, Is.EqualTo(124), "an idle gap with nothing queued is not the scheduler's fault");
    }

    [Test]
    public void Handles_that_are_not_frames_go_through_and_are_let_go_unread()
    {
        var nic = new NicTxQueue(2, Overhead);
        ulong arrival = 1UL << 40;
        Assert.That(nic.Push(Descriptor(arrival, 76), 5), Is.EqualTo(5), "the single push says when the packet goes out");
        nic.Push(Descriptor(arrival + 1, 76), 5);
        Assert.Throws<ArgumentException>(() => nic.Push(Descriptor(arrival + 2, 76), 5), "a full ring takes nothing");
        Assert.That(nic.Complete(5 + 200), Is.EqualTo(2), "both have left by then");
        Assert.That(nic.Room(205), Is.EqualTo(2), "and their descriptors are free");
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(-8)]
    public void A_ring_that_is_not_a_power_of_two_is_refused(int capacity)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new NicTxQueue(capacity, Overhead));
        Assert.That(e!.ParamName, Is.EqualTo("capacity"));
        Assert.That(e.Message, Does.Contain("power of two"), "the message gives the rule");
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new NicTxQueue(8, -1), "a negative overhead is refused");
    }
}
