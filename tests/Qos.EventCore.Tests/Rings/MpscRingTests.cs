using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using NUnit.Framework;
using Qos.EventCore.Rings;

namespace Qos.EventCore.Tests.Rings;

[TestFixture]
public sealed class MpscRingTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(3)]
    [TestCase(100)]
    public void A_capacity_that_is_not_a_power_of_two_is_refused(int capacity)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MpscRing<long>(capacity));
        Assert.That(e!.Message, Does.Contain(capacity.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain("power of two"), "the message names the value and the rule");
    }

    [Test]
    public void Items_come_out_in_order_and_a_full_ring_refuses_a_whole_burst()
    {
        var ring = new MpscRing<long>(8);
        Assert.That(ring.TryEnqueue([1L, 2, 3, 4, 5]), Is.True);
        Assert.That(ring.TryEnqueue([6L, 7, 8, 9]), Is.False, "a burst that does not fit is refused whole");
        Assert.That(ring.Count, Is.EqualTo(5), "a refused burst adds nothing");
        Assert.That(ring.TryEnqueue([6L, 7, 8]), Is.True);
        var items = new long[16];
        Assert.That(ring.Dequeue(items), Is.EqualTo(8));
        Assert.That(items[..8], Is.EqualTo(new long[] { 1, 2, 3, 4, 5, 6, 7, 8 }), "FIFO");
        Assert.That(ring.HasItem, Is.False);
        for (long i = 0; i < 100; i++)
        {
            Assert.That(ring.TryEnqueue(in i), Is.True, "after wrap-around the ring accepts again");
            Assert.That(ring.TryDequeue(out long x) && x == i, Is.True, "wrap-around keeps FIFO");
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public void Many_producers_lose_nothing_duplicate_nothing_and_keep_their_own_order(CancellationToken token)
    {
        const int Producers = 4;
        const int PerProducer = 200_000;
        var ring = new MpscRing<long>(64);
        var threads = new Thread[Producers];
        for (int p = 0; p < Producers; p++)
        {
            int producer = p;
            threads[p] = new Thread(() =>
            {
                var rng = new Random(producer);
                Span<long> burst = stackalloc long[7];
                long next = 0;
                while (next < PerProducer && !token.IsCancellationRequested)
                {
                    int n = (int)Math.Min(rng.Next(1, 8), PerProducer - next);
                    for (int i = 0; i < n; i++)
                    {
                        burst[i] = ((long)producer << 32) | (next + i);
                    }

                    if (ring.TryEnqueue(burst[..n]))
                    {
                        next += n;
                    }
                    else
                    {
                        Thread.Yield();
                    }
                }
            }) { IsBackground = true };
            threads[p].Start();
        }

        var expected = new long[Producers];
        var items = new long[32];
        long total = 0;
        while (total < (long)Producers * PerProducer && !token.IsCancellationRequested)
        {
            int n = ring.Dequeue(items);
            if (n == 0)
            {
                Thread.Yield();
            }

            for (int i = 0; i < n; i++)
            {
                int producer = (int)(items[i] >> 32);
                long seq = items[i] & 0xFFFFFFFF;
                Assert.That(seq, Is.EqualTo(expected[producer]), $"producer {producer}'s items arrive once each and in its order");
                expected[producer]++;
            }

            total += n;
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        Assert.That(total, Is.EqualTo((long)Producers * PerProducer), "every item produced is consumed");
        Assert.That(ring.HasItem, Is.False, "nothing is left over");
    }

    [Test]
    public void Producer_and_consumer_indices_live_on_separate_128_byte_stretches()
    {
        Assert.That(Unsafe.SizeOf<RingIndices>(), Is.EqualTo(384), "padding before, between and after the indices");
        Assert.That(Marshal.OffsetOf<RingIndices>(nameof(RingIndices.Tail)).ToInt32(), Is.GreaterThanOrEqualTo(128), "padding before the tail");
        long distance = Marshal.OffsetOf<RingIndices>(nameof(RingIndices.Head)).ToInt64() - Marshal.OffsetOf<RingIndices>(nameof(RingIndices.HeadCache)).ToInt64();
        Assert.That(distance, Is.GreaterThanOrEqualTo(64), "the producers' line and the consumer's head do not share a cache line");
        Assert.That(384 - Marshal.OffsetOf<RingIndices>(nameof(RingIndices.Head)).ToInt32(), Is.GreaterThanOrEqualTo(128), "padding after the head");
        Assert.That(new MpscRing<long>(4).TailToHeadDistance(), Is.GreaterThanOrEqualTo((nint)128), "in a live ring the tail and head are 128 bytes apart");
    }

    [Test]
    public void An_event_is_16_bytes()
    {
        Assert.That(Unsafe.SizeOf<Event>(), Is.EqualTo(16), "events are 16-byte values");
    }
}
