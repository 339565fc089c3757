using System;
using System.Reflection;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Scheduling;
using static Qos.TrafficManager.Tests.Conformance.Profiles;

namespace Qos.TrafficManager.Tests.Scheduling;

/// <summary>
/// The active-queue bitmap's invariants hold under its own operations, and its check finds a corrupted bit (the
/// corruption is done through the private arrays, as a stray write would).
/// </summary>
[TestFixture]
public sealed class ActiveQueueBitmapTests
{
    private const int Pipes = 200;

    [Test]
    public void A_bitmap_kept_by_its_own_operations_breaks_no_invariant()
    {
        var bitmap = new ActiveQueueBitmap(Pipes);
        var random = new Random(7);
        var inService = new System.Collections.Generic.List<int>();
        for (int step = 0; step < 20_000; step++)
        {
            switch (random.Next(4))
            {
                case 0:
                    bitmap.MarkNonEmpty(random.Next(Pipes), random.Next(16));
                    break;
                case 1 when inService.Count < PortScheduler.GrinderCount:
                    int taken = bitmap.TakeNext();
                    if (taken >= 0)
                    {
                        inService.Add(taken);
                    }

                    break;
                case 2 when inService.Count > 0:
                    int pipe = inService[random.Next(inService.Count)];
                    int queues = bitmap.Queues(pipe);
                    if (queues != 0)
                    {
                        bitmap.MarkEmpty(pipe, System.Numerics.BitOperations.TrailingZeroCount(queues));
                    }

                    break;
                case 3 when inService.Count > 0:
                    int released = inService[random.Next(inService.Count)];
                    inService.Remove(released);
                    bitmap.Release(released);
                    break;
            }

            string? broken = bitmap.FindBrokenInvariant();
            Assert.That(broken, Is.Null, $"after step {step}: the bitmap's own operations keep its invariants");
        }
    }

    [Test]
    public void A_waiting_bit_lost_by_a_non_empty_pipe_is_found()
    {
        var bitmap = new ActiveQueueBitmap(Pipes);
        bitmap.MarkNonEmpty(70, 3);
        Words(bitmap, "_waiting")[1] = 0;
        Assert.That(bitmap.FindBrokenInvariant(), Does.Contain("every non-empty pipe waits or is in service").And.Contain("pipe 70"));
    }

    [Test]
    public void A_waiting_bit_on_an_empty_pipe_is_found()
    {
        var bitmap = new ActiveQueueBitmap(Pipes);
        Words(bitmap, "_waiting")[0] |= 1UL << 5;
        Assert.That(bitmap.FindBrokenInvariant(), Does.Contain("only non-empty pipes out of service wait").And.Contain("pipe 5"));
    }

    [Test]
    public void A_summary_bit_that_does_not_mirror_its_word_is_found()
    {
        var bitmap = new ActiveQueueBitmap(Pipes);
        Words(bitmap, "_summary")[0] |= 1UL << 2;
        Assert.That(bitmap.FindBrokenInvariant(), Does.Contain("the summary mirrors the words").And.Contain("word 2"));
    }

    [Test]
    public void A_bit_past_the_last_pipe_is_found()
    {
        var bitmap = new ActiveQueueBitmap(Pipes);
        Words(bitmap, "_inService")[Pipes >> 6] |= 1UL << 63;
        Assert.That(bitmap.FindBrokenInvariant(), Does.Contain("no bits past the last pipe"));
    }

    [Test]
    public void The_scheduler_check_finds_a_queue_whose_active_bit_was_lost()
    {
        using var scheduler = Scheduler();
        scheduler.Enqueue([Packet.Create(1, 100, 0, 9, 3), Packet.Create(2, 100, 0, 9, 12, 2)]);
        Assert.That(scheduler.FindBrokenInvariant(), Is.Null, "a scheduler kept by its own operations keeps its invariants");
        var queues = (ushort[])typeof(ActiveQueueBitmap).GetField("_queues", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(Bitmap(scheduler))!;
        queues[9] &= unchecked((ushort)~(1 << 3));
        Assert.That(scheduler.FindBrokenInvariant(), Does.Contain("active bit is set exactly when it holds packets").And.Contain("queue 3 holds 1"));
    }

    [Test]
    public void Dequeue_runs_the_check_now_and_then_in_debug_builds()
    {
#if !DEBUG
        Assert.Ignore("the invariant checks are compiled into Debug builds only");
#endif
        using var scheduler = Scheduler();
        Words(Bitmap(scheduler), "_summary")[0] |= 1UL << 1;
        var output = new Packet[8];
        var e = Assert.Catch(() =>
        {
            for (int i = 0; i < scheduler.InvariantCheckInterval; i++)
            {
                scheduler.Dequeue(output);
            }
        }, "a Debug build checks the invariants within one check interval of dequeue calls");
        Assert.That(e!.Message, Does.Contain("the summary mirrors the words"), "the failed assertion names the invariant");
    }

    private static PortScheduler Scheduler()
    {
        var config = Port(Gigabit, Subport(Gigabit), [Pipe(1_000_000)], [new PipeGroup(Pipes, 0)], queueSize: 8);
        return new PortScheduler(config, new VirtualByteClock(Gigabit, 1_000_000));
    }

    private static ActiveQueueBitmap Bitmap(PortScheduler scheduler) =>
        (ActiveQueueBitmap)typeof(PortScheduler).GetField("_bitmap", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(scheduler)!;

    private static ulong[] Words(ActiveQueueBitmap bitmap, string field) =>
        (ulong[])(typeof(ActiveQueueBitmap).GetField(field, BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(bitmap)
            ?? throw new MissingFieldException(nameof(ActiveQueueBitmap), field));
}
