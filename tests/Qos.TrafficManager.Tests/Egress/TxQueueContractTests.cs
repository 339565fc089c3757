using System;
using System.Collections.Generic;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.Shaping.Randomness;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Pipeline;

namespace Qos.TrafficManager.Tests.Egress;

/// <summary>What every <see cref="ITxQueue"/> promises; one subclass per implementation runs it.</summary>
public abstract class TxQueueContractTests
{
    protected const long Rate = 1_250_000_000;
    protected const int Overhead = 24;
    protected const int RingCapacity = 8;

    private FramePool? _pool;
    private ITxQueue? _queue;

    protected FramePool Pool => _pool ?? throw new InvalidOperationException("set up first");

    protected ITxQueue Queue => _queue ?? throw new InvalidOperationException("set up first");

    /// <summary>Whether the queue takes any number of packets (its room is int.MaxValue).</summary>
    protected virtual bool Unbounded => false;

    /// <summary>Creates the queue under test over <paramref name="pool"/>, ring capacity <see cref="RingCapacity"/> where it has one.</summary>
    protected abstract ITxQueue Create(FramePool pool);

    [SetUp]
    public void CreateQueue()
    {
        _pool = new FramePool(256, 2048);
        _queue = Create(_pool);
    }

    [TearDown]
    public void DisposeQueue()
    {
        (_queue as IDisposable)?.Dispose();
        _pool?.Dispose();
    }

    /// <summary>Rents a frame of <paramref name="length"/> bytes (its bytes a function of its index) and describes it.</summary>
    protected Packet Frame(int length)
    {
        Assert.That(Pool.TryRent(out int f), Is.True, "the test pool has a frame to spare");
        Pool.SetLength(f, length);
        var data = Pool.Data(f);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(f + (i * 7));
        }

        return Packet.Create((ulong)f, length, 0, 0, 12, f & 3);
    }

    [Test]
    public void A_burst_longer_than_the_room_is_refused_whole()
    {
        var clock = new VirtualByteClock(Rate, start: 1000);
        if (Unbounded)
        {
            Assert.That(Queue.Room(clock.Now()), Is.EqualTo(int.MaxValue), "an unbounded queue has all the room there is");
            return;
        }

        int room = Queue.Room(clock.Now());
        Assert.That(room, Is.EqualTo(RingCapacity), "an empty queue has its whole ring as room");
        var burst = new Packet[room + 1];
        for (int i = 0; i < burst.Length; i++)
        {
            burst[i] = Frame(100);
        }

        var e = Assert.Throws<ArgumentException>(() => Queue.Push(burst, clock.Now()), "more than Room is refused");
        Assert.That(e!.Message, Does.Contain($"{room + 1}").And.Contain($"{room}"), "the message gives the burst and the room");
        Assert.That(Queue.Stats.Packets, Is.Zero, "a refused burst pushes nothing");
        Assert.That(Queue.Room(clock.Now()), Is.EqualTo(room), "a refused burst takes no room");
        Assert.That(Queue.Complete(new int[16], clock.Now() + 1_000_000), Is.Zero, "a refused burst leaves nothing to complete");

        Queue.Push(burst.AsSpan(0, room), clock.Now());
        Assert.That(Queue.Room(clock.Now()), Is.Zero, "pushing n packets lowers the room by n");
        Assert.Throws<ArgumentException>(() => Queue.Push(burst.AsSpan(room, 1), clock.Now()), "a full queue takes nothing");
    }

    [Test]
    public void Pushing_nothing_changes_nothing()
    {
        Queue.Push([], 0);
        Assert.That(Queue.Stats, Is.EqualTo(default(TxQueueStats)), "an empty burst counts nothing");
        Assert.That(Queue.Complete(new int[4], 0), Is.Zero, "an empty burst completes nothing");
    }

    [TestCase(1u)]
    [TestCase(2u)]
    [TestCase(3u)]
    public void Every_pushed_frame_completes_exactly_once_and_in_push_order(uint seed)
    {
        var random = new Xorshift32(seed);
        var clock = new VirtualByteClock(Rate);
        var pushed = new Queue<int>();
        var completed = new int[3];
        var burst = new Packet[16];
        long packets = 0, bytes = 0;
        for (int step = 0; step < 2000; step++)
        {
            clock.Advance(random.Below(3000));
            Collect(clock.Now());
            int room = Queue.Room(clock.Now());
            Assert.That(room, Is.GreaterThanOrEqualTo(0), $"seed {seed}: room is never negative");
            if (!Unbounded)
            {
                Assert.That(room, Is.LessThanOrEqualTo(RingCapacity), $"seed {seed}: room never exceeds the ring");
            }

            int n = (int)Math.Min(Math.Min(room, burst.Length), Math.Min(random.Below(6), Pool.Available));
            for (int i = 0; i < n; i++)
            {
                burst[i] = Frame(60 + (int)random.Below(1455));
                pushed.Enqueue((int)burst[i].Handle);
                bytes += burst[i].Length;
            }

            Queue.Push(burst.AsSpan(0, n), clock.Now());
            packets += n;
            Assert.That(Queue.Stats.Packets, Is.EqualTo(packets), $"seed {seed}: every packet pushed is counted");
            Assert.That(Queue.Stats.Bytes, Is.EqualTo(bytes), $"seed {seed}: and its bytes");
        }

        clock.Set(Math.Max(clock.Now(), Queue.WireFree));
        Collect(clock.Now());
        Assert.That(pushed, Is.Empty, $"seed {seed}: once the wire is free every pushed frame has completed");
        Assert.That(Pool.Available, Is.EqualTo(Pool.Capacity), $"seed {seed}: and is back in its pool");
        Assert.That(Queue.Complete(completed, clock.Now() + 1_000_000), Is.Zero, $"seed {seed}: nothing completes twice");

        void Collect(long now)
        {
            int k;
            while ((k = Queue.Complete(completed, now)) > 0)
            {
                Assert.That(k, Is.LessThanOrEqualTo(completed.Length), $"seed {seed}: at most the span's length is handed back");
                for (int i = 0; i < k; i++)
                {
                    Assert.That(pushed, Is.Not.Empty, $"seed {seed}: only pushed frames complete");
                    Assert.That(completed[i], Is.EqualTo(pushed.Dequeue()), $"seed {seed}: frames complete once each, oldest first");
                }

                Pool.Return(completed.AsSpan(0, k));
            }
        }
    }

    [Test]
    public void Everything_pushed_has_left_by_wire_free()
    {
        var clock = new VirtualByteClock(Rate, start: 500);
        var burst = new[] { Frame(1000), Frame(64), Frame(1514) };
        Queue.Push(burst, clock.Now());
        Assert.That(Queue.WireFree, Is.GreaterThanOrEqualTo(clock.Now()), "the wire is free no earlier than the latest push");
        var frames = new int[8];
        Assert.That(Queue.Complete(frames, Queue.WireFree), Is.EqualTo(3), "at WireFree every frame pushed is complete");
        if (!Unbounded)
        {
            Assert.That(Queue.Room(Queue.WireFree), Is.EqualTo(RingCapacity), "and the whole ring is free again");
        }
    }
}
