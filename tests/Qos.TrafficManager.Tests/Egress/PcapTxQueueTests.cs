using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.Shaping.Randomness;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Pipeline;
using Qos.TrafficManager.Replay;

namespace Qos.TrafficManager.Tests.Egress;

[TestFixture]
public sealed class PcapTxQueueTests : TxQueueContractTests
{
    private const long Epoch = 1_700_000_000_000_000_000;

    protected override ITxQueue Create(FramePool pool) => new PcapTxQueue(new MemoryStream(), pool, Rate, Overhead, Epoch, RingCapacity);

    private static async Task<List<PcapRecordCopy>> ReadAllAsync(byte[] file)
    {
        var list = new List<PcapRecordCopy>();
        await using var reader = await PcapReader.OpenAsync(new MemoryStream(file));
        Assert.That(reader.Format.Nanosecond, Is.True, "the capture has nanosecond timestamps");
        while (await reader.ReadAsync() is { } r)
        {
            list.Add(new PcapRecordCopy(r.TimestampNanoseconds, r.Frame.ToArray(), r.OriginalLength));
        }

        return list;
    }

    [TestCase(1_250_000_000L)]
    [TestCase(125_000_000L)]
    [TestCase(3_000_000_007L)]
    public async Task Frames_are_written_byte_for_byte_stamped_with_their_wire_departure(long rate)
    {
        using var pool = new FramePool(64, 2048);
        var stream = new MemoryStream();
        var expected = new List<PcapRecordCopy>();
        var random = new Xorshift32(11);
        var clock = new VirtualByteClock(rate);
        long wireFree = 0;
        await using (var queue = new PcapTxQueue(stream, pool, rate, Overhead, Epoch, capacity: 16))
        {
            var done = new int[16];
            for (int step = 0; step < 300; step++)
            {
                clock.Advance(random.Below(4000));
                int k;
                while ((k = queue.Complete(done, clock.Now())) > 0)
                {
                    pool.Return(done.AsSpan(0, k));
                }

                int n = Math.Min(queue.Room(clock.Now()), (int)random.Below(4));
                var burst = new Packet[n];
                for (int i = 0; i < n; i++)
                {
                    Assert.That(pool.TryRent(out int f), Is.True);
                    int length = 60 + (int)random.Below(1455);
                    pool.SetLength(f, length);
                    var data = pool.Data(f);
                    for (int b = 0; b < length; b++)
                    {
                        data[b] = (byte)random.Next();
                    }

                    burst[i] = Packet.Create((ulong)f, length, 0, 0, 12);
                    long start = Math.Max(clock.Now(), wireFree);
                    wireFree = start + length + Overhead;
                    expected.Add(new PcapRecordCopy(Epoch + (long)((Int128)start * 1_000_000_000 / rate), data.ToArray(), length));
                }

                queue.Push(burst, clock.Now());
            }

            Assert.That(queue.WireFree, Is.EqualTo(wireFree), "the queue's wire is the NIC model's wire");
        }

        var records = await ReadAllAsync(stream.ToArray());
        Assert.That(records, Has.Count.EqualTo(expected.Count), "one record per frame pushed");
        for (int i = 0; i < records.Count; i++)
        {
            Assert.That(records[i].Time, Is.EqualTo(expected[i].Time), $"record {i} is stamped when its first bit goes on the wire");
            Assert.That(records[i].Frame, Is.EqualTo(expected[i].Frame), $"record {i} holds the frame's bytes");
            Assert.That(records[i].Original, Is.EqualTo(expected[i].Original), $"record {i} has the frame's length");
        }
    }

    [Test]
    public void Records_are_flushed_in_64_KiB_steps_without_a_flush_per_packet_and_dispose_writes_the_rest()
    {
        using var pool = new FramePool(4, 2048);
        var stream = new MemoryStream();
        var queue = new PcapTxQueue(stream, pool, Rate, Overhead, Epoch, capacity: 1);
        var done = new int[1];
        long now = 0;
        var lengths = new List<long>();
        for (int i = 0; i < 100; i++)
        {
            Assert.That(pool.TryRent(out int f), Is.True);
            pool.SetLength(f, 1500);
            queue.Push([Packet.Create((ulong)f, 1500, 0, 0, 12)], now);
            Assert.That(queue.Complete(done, now), Is.EqualTo(1), "a written frame completes at once");
            pool.Return(done[0]);
            now = queue.WireFree;
            lengths.Add(stream.Length);
        }

        Assert.That(lengths[0], Is.Zero, "the first record waits in the buffer");
        Assert.That(stream.Length, Is.GreaterThanOrEqualTo(65536), "64 KiB of records were flushed on the way");
        Assert.That(lengths.FindIndex(l => l > 0), Is.GreaterThan(40), "no record is flushed on its own");
        queue.Dispose();
        Assert.That(stream.ToArray(), Has.Length.EqualTo(PcapFormat.GlobalHeaderLength + (100 * (PcapFormat.RecordHeaderLength + 1500))), "dispose writes out the rest");
        Assert.Throws<ObjectDisposedException>(() => queue.Push([Packet.Create(0, 1500, 0, 0, 12)], now), "a disposed queue takes nothing");
        queue.Dispose();
    }

    [Test]
    public async Task A_flush_the_stream_takes_later_is_waited_for()
    {
        using var pool = new FramePool(2, 2048);
        var stream = new SlowStream();
        using (var queue = new PcapTxQueue(stream, pool, Rate, Overhead, Epoch, capacity: 1, leaveOpen: true))
        {
            var done = new int[1];
            for (int i = 0; i < 100; i++)
            {
                Assert.That(pool.TryRent(out int f), Is.True);
                pool.SetLength(f, 1500);
                queue.Push([Packet.Create((ulong)f, 1500, 0, 0, 12)], queue.WireFree);
                Assert.That(queue.Complete(done, 0), Is.EqualTo(1));
                pool.Return(done[0]);
            }
        }

        Assert.That(stream.AsyncWrites, Is.GreaterThan(0), "the stream took its writes asynchronously");
        Assert.That(stream.CanWrite, Is.True, "a stream left open stays open");
        var records = await ReadAllAsync(stream.ToArray());
        Assert.That(records, Has.Count.EqualTo(100), "every record reached the stream");
    }

    [Test]
    public void A_handle_outside_the_pool_is_refused_and_nothing_is_pushed()
    {
        using var pool = new FramePool(4, 2048);
        using var queue = new PcapTxQueue(new MemoryStream(), pool, Rate, Overhead, Epoch, capacity: 8);
        Assert.That(pool.TryRent(out int f), Is.True);
        pool.SetLength(f, 100);
        var e = Assert.Throws<ArgumentException>(() => queue.Push([Packet.Create((ulong)f, 100, 0, 0, 12), Packet.Create(4, 100, 0, 0, 12)], 0));
        Assert.That(e!.Message, Does.Contain("handle 4").And.Contain("0..3"), "the message names the handle and the pool's range");
        Assert.That(queue.Stats.Packets, Is.Zero, "nothing of the burst was pushed");
        Assert.That(queue.Complete(new int[4], 0), Is.Zero, "nothing completes");
    }

    [Test]
    public void Arguments_outside_their_ranges_are_refused()
    {
        using var pool = new FramePool(4, 2048);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PcapTxQueue(new MemoryStream(), pool, 0, Overhead, Epoch))!.ParamName, Is.EqualTo("rate"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PcapTxQueue(new MemoryStream(), pool, Rate, Overhead, -1))!.ParamName, Is.EqualTo("epochNanoseconds"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PcapTxQueue(new MemoryStream(), pool, Rate, Overhead, Epoch, capacity: 12))!.ParamName, Is.EqualTo("capacity"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new PcapTxQueue(new MemoryStream(), pool, Rate, -1, Epoch))!.ParamName, Is.EqualTo("frameOverhead"));
    }

    private sealed record PcapRecordCopy(long Time, byte[] Frame, int Original);

    /// <summary>A stream that completes every write later, on the thread pool, as a file opened for async I/O may.</summary>
    private sealed class SlowStream : MemoryStream
    {
        public int AsyncWrites { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            Write(buffer.Span);
            AsyncWrites++;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
