using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using NUnit.Framework;
using Qos.Shaping.Congestion;
using Qos.Shaping.Randomness;
using Qos.TrafficManager.Pipeline;

namespace Qos.TrafficManager.Tests.Pipeline;

[TestFixture]
public sealed class FramePoolTests
{
    [TestCase(1)]
    [TestCase(5)]
    [TestCase(64)]
    public void Renting_every_frame_empties_the_pool_and_returning_them_fills_it_again(int capacity)
    {
        using var pool = new FramePool(capacity, 64);
        var rented = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            Assert.That(pool.TryRent(out rented[i]), Is.True, "a pool with free frames rents one");
        }

        Assert.That(rented.Distinct().Count(), Is.EqualTo(capacity), "no frame is rented twice");
        Assert.That(rented.All(i => i >= 0 && i < capacity), Is.True, "indices are within the pool");
        Assert.That(pool.Available, Is.Zero, "every frame is out");
        Assert.That(pool.TryRent(out int none), Is.False, "an empty pool rents nothing");
        Assert.That(none, Is.EqualTo(-1), "a failed rent gives no index");

        pool.Return(rented);
        Assert.That(pool.Available, Is.EqualTo(capacity), "every frame is back");
        var again = new int[capacity + 3];
        Assert.That(pool.TryRent(again), Is.EqualTo(capacity), "a batch rent takes what there is");
        Assert.That(again[..capacity].Order(), Is.EqualTo(Enumerable.Range(0, capacity)), "after a full round every frame is rented once");
        Assert.That(pool.TryRent(again.AsSpan(0, 2)), Is.Zero, "an empty pool rents no batch");
    }

    [Test]
    public void A_frame_returned_twice_or_never_rented_is_refused_in_every_build()
    {
        using var pool = new FramePool(4, 64);
        Assert.That(pool.TryRent(out int a), Is.True);
        pool.Return(a);
        var twice = Assert.Throws<InvalidOperationException>(() => pool.Return(a), "a double return is refused");
        Assert.That(twice!.Message, Does.Contain($"frame {a}").And.Contain("not rented"), "the message names the frame");
        Assert.That(pool.Available, Is.EqualTo(4), "a refused return does not put the frame in the free ring twice");

        Assert.Throws<InvalidOperationException>(() => pool.Return(3 - a), "a frame never rented is refused");
        var foreign = Assert.Throws<ArgumentOutOfRangeException>(() => pool.Return(4), "an index beyond the pool is refused");
        Assert.That(foreign!.ParamName, Is.EqualTo("index"));
        Assert.That(foreign.Message, Does.Contain("0..3"), "the message gives the range");
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Return(-1), "a negative index is refused");

        var rented = new int[4];
        Assert.That(pool.TryRent(rented), Is.EqualTo(4));
        Assert.Throws<InvalidOperationException>(() => pool.Return([rented[0], rented[1], rented[0]]), "a batch that returns a frame twice is refused");
        Assert.That(pool.Available, Is.EqualTo(2), "the frames before the bad one are back");
    }

    [TestCase(0, 64, "capacity")]
    [TestCase((1 << 24) + 1, 64, "capacity")]
    [TestCase(8, 0, "frameSize")]
    [TestCase(8, 100, "frameSize")]
    [TestCase(8, 65536 + 64, "frameSize")]
    public void A_pool_outside_its_ranges_is_refused_with_the_argument_value_and_range(int capacity, int frameSize, string argument)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FramePool(capacity, frameSize));
        int value = argument == "capacity" ? capacity : frameSize;
        Assert.That(e!.ParamName, Is.EqualTo(argument), "the exception names the argument");
        Assert.That(e.Message, Does.Contain(value.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain(".."), "the message gives the value and the range");
    }

    [Test]
    public void Frames_are_cache_line_aligned_slots_that_do_not_overlap()
    {
        using var pool = new FramePool(8, 192);
        Assert.That((pool.Capacity, pool.FrameSize), Is.EqualTo((8, 192)));
        for (int i = 0; i < 8; i++)
        {
            var buffer = pool.Buffer(i);
            Assert.That(buffer.Length, Is.EqualTo(192), "a buffer is the whole slot");
            unsafe
            {
                Assert.That((ulong)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer)) % 64, Is.EqualTo(0UL), $"frame {i} starts on a cache line");
            }

            buffer.Fill((byte)(i + 1));
        }

        for (int i = 0; i < 8; i++)
        {
            Assert.That(pool.Buffer(i).ToArray().All(b => b == i + 1), Is.True, $"frame {i} keeps its own bytes");
        }
    }

    [Test]
    public void Data_is_the_first_length_bytes_and_a_length_outside_the_slot_is_refused()
    {
        using var pool = new FramePool(2, 64);
        Assert.That(pool.TryRent(out int f), Is.True);
        Assert.That(pool.GetLength(f), Is.Zero, "a rented frame starts empty");
        Assert.That(pool.Data(f).Length, Is.Zero);
        pool.Buffer(f)[..5].Fill(7);
        pool.SetLength(f, 5);
        Assert.That(pool.Data(f).ToArray(), Is.EqualTo(new byte[] { 7, 7, 7, 7, 7 }), "data is the buffer's first length bytes");
        pool.SetLength(f, 64);
        Assert.That(pool.Data(f).Length, Is.EqualTo(64), "a frame may fill its slot");

        var over = Assert.Throws<ArgumentOutOfRangeException>(() => pool.SetLength(f, 65));
        Assert.That(over!.ParamName, Is.EqualTo("length"));
        Assert.That(over.Message, Does.Contain("65").And.Contain("0..64"), "the message gives the value and the range");
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.SetLength(f, -1));
        Assert.That(pool.GetLength(f), Is.EqualTo(64), "a refused length changes nothing");
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Buffer(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Data(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.GetLength(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Metadata(2));
    }

    [Test]
    public void Metadata_travels_with_the_frame_and_is_cleared_when_it_is_rented_again()
    {
        using var pool = new FramePool(1, 64);
        Assert.That(pool.TryRent(out int f), Is.True);
        ref var m = ref pool.Metadata(f);
        m.FlowId = 0xFEED_F00D_0000_0001;
        m.Subport = 3;
        m.Pipe = 4000;
        m.TrafficClass = 12;
        m.Queue = 2;
        m.Color = PacketColor.Yellow;
        m.EgressPort = 1;
        m.RxTimestamp = 123_456;
        m.Sequence = 9;
        pool.SetLength(f, 60);

        var p = pool.Metadata(f).ToPacket((ulong)f, pool.GetLength(f));
        Assert.That((p.Handle, p.Length, p.Subport, p.Pipe, p.TrafficClass, p.BestEffortQueue, p.Color),
            Is.EqualTo(((ulong)f, 60, 3, 4000, 12, 2, PacketColor.Yellow)), "the descriptor is rebuilt from the metadata");

        pool.Return(f);
        Assert.That(pool.TryRent(out int g), Is.True);
        Assert.That(g, Is.EqualTo(f));
        Assert.That(pool.Metadata(g), Is.EqualTo(default(FrameMetadata)), "a rented frame carries nothing from its last use");
        Assert.That(pool.GetLength(g), Is.Zero, "a rented frame starts empty");
    }

    [Test]
    public void Frame_metadata_fits_in_32_bytes()
    {
        Assert.That(Unsafe.SizeOf<FrameMetadata>(), Is.LessThanOrEqualTo(32), "two frames' metadata per cache line");
    }

    [Test]
    public void The_free_rings_positions_live_on_separate_128_byte_stretches()
    {
        Assert.That(Unsafe.SizeOf<IndexRingPositions>(), Is.EqualTo(384), "padding before, between and after the positions");
        int tail = Marshal.OffsetOf<IndexRingPositions>(nameof(IndexRingPositions.Tail)).ToInt32();
        int head = Marshal.OffsetOf<IndexRingPositions>(nameof(IndexRingPositions.Head)).ToInt32();
        Assert.That(tail, Is.GreaterThanOrEqualTo(128), "padding before the tail");
        Assert.That(head - tail, Is.GreaterThanOrEqualTo(128), "returners and renters do not share a cache line pair");
        Assert.That(384 - head, Is.GreaterThanOrEqualTo(128), "padding after the head");
    }

    [Test]
    public void The_free_ring_rounds_its_capacity_up_to_a_power_of_two_and_keeps_fifo_order_across_laps()
    {
        var ring = new IndexRing(5, filled: 3);
        Assert.That(ring.Capacity, Is.EqualTo(8));
        Assert.That(ring.Count, Is.EqualTo(3));
        for (int lap = 0; lap < 20; lap++)
        {
            Assert.That(ring.TryDequeue(out int v), Is.True);
            ring.Enqueue(v);
        }

        var order = new int[3];
        for (int i = 0; i < 3; i++)
        {
            Assert.That(ring.TryDequeue(out order[i]), Is.True);
        }

        Assert.That(order, Is.EqualTo(new[] { 20 % 3, (20 + 1) % 3, (20 + 2) % 3 }), "indices come out in the order they went in");
        Assert.That(ring.TryDequeue(out _), Is.False, "an empty ring gives nothing");
    }

    [Test]
    public void Every_member_throws_once_the_pool_is_disposed()
    {
        var pool = new FramePool(2, 64);
        Assert.That(pool.TryRent(out int f), Is.True);
        pool.Dispose();
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = pool.Capacity);
        Assert.Throws<ObjectDisposedException>(() => _ = pool.FrameSize);
        Assert.Throws<ObjectDisposedException>(() => _ = pool.Available);
        Assert.Throws<ObjectDisposedException>(() => pool.TryRent(out _));
        Assert.Throws<ObjectDisposedException>(() => pool.TryRent(new int[2]));
        Assert.Throws<ObjectDisposedException>(() => pool.Return(f));
        Assert.Throws<ObjectDisposedException>(() => pool.Return([f]));
        Assert.Throws<ObjectDisposedException>(() => pool.Buffer(f));
        Assert.Throws<ObjectDisposedException>(() => pool.Data(f));
        Assert.Throws<ObjectDisposedException>(() => pool.GetLength(f));
        Assert.Throws<ObjectDisposedException>(() => pool.SetLength(f, 1));
        Assert.Throws<ObjectDisposedException>(() => pool.Metadata(f));
    }

    [TestCase(1u)]
    [TestCase(7u)]
    [TestCase(42u)]
    [CancelAfter(120_000)]
    public void Concurrent_renters_and_returners_never_share_a_frame_and_lose_none(uint seed, CancellationToken token)
    {
        const int Threads = 4;
        const int OperationsPerThread = 200_000;
        const int Capacity = 48; // not a power of two: the ring has 64 cells, so laps do not line up with frames
        using var pool = new FramePool(Capacity, 64);
        var owners = new int[Capacity];
        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(Threads);
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int id = t + 1;
            threads[t] = new Thread(() =>
            {
                var random = new Xorshift32(seed * 2654435761u + (uint)id);
                var held = new int[16];
                var batch = new int[8];
                int count = 0;
                start.SignalAndWait(token);
                for (int op = 0; op < OperationsPerThread && failures.IsEmpty && !token.IsCancellationRequested; op++)
                {
                    if (count < held.Length && (count == 0 || random.Below(2) == 0))
                    {
                        int want = (int)Math.Min(random.Below(8) + 1, (uint)(held.Length - count));
                        int got = want == 1 ? (pool.TryRent(out batch[0]) ? 1 : 0) : pool.TryRent(batch.AsSpan(0, want));
                        for (int i = 0; i < got; i++)
                        {
                            int f = batch[i];
                            int previous = Interlocked.CompareExchange(ref owners[f], id, 0);
                            if (previous != 0)
                            {
                                failures.Enqueue($"seed {seed}: frame {f} rented by thread {id} while thread {previous} holds it");
                            }

                            pool.Buffer(f)[0] = (byte)id;
                            pool.Metadata(f).Sequence = (uint)id;
                            held[count++] = f;
                        }
                    }
                    else
                    {
                        int k = (int)random.Below((uint)count);
                        int f = held[k];
                        held[k] = held[--count];
                        if (pool.Buffer(f)[0] != id || pool.Metadata(f).Sequence != id)
                        {
                            failures.Enqueue($"seed {seed}: frame {f} held by thread {id} was written by another");
                        }

                        if (Interlocked.CompareExchange(ref owners[f], 0, id) != id)
                        {
                            failures.Enqueue($"seed {seed}: frame {f} returned by thread {id}, which did not own it");
                        }

                        pool.Return(f);
                    }
                }

                for (int i = 0; i < count; i++)
                {
                    Interlocked.Exchange(ref owners[held[i]], 0);
                    pool.Return(held[i]);
                }
            }) { IsBackground = true };
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.That(failures, Is.Empty, $"seed {seed}: a frame has one owner at a time");
        Assert.That(token.IsCancellationRequested, Is.False, $"seed {seed}: the run finished in time");
        Assert.That(pool.Available, Is.EqualTo(Capacity), $"seed {seed}: every frame is back once everyone returned theirs");
        var all = new int[Capacity];
        Assert.That(pool.TryRent(all), Is.EqualTo(Capacity), $"seed {seed}: every frame can be rented again");
        Assert.That(all.Order(), Is.EqualTo(Enumerable.Range(0, Capacity)), $"seed {seed}: the free ring holds each frame once");
    }
}
