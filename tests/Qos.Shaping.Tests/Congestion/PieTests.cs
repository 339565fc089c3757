using System.Collections.Generic;
using NUnit.Framework;
using Qos.Shaping.Congestion;

namespace Qos.Shaping.Tests.Congestion;

[TestFixture]
public sealed class PieTests
{
    /// <summary>100 Mbit/s: 15 ms is 187,500 bytes of line time.</summary>
    private const long Port = 12_500_000;

    private const int Packet = 1000;

    /// <summary>One 1000-byte packet leaves every 2000 bytes of line time: a departure rate of half the port rate.</summary>
    private const long Spacing = 2 * Packet;

    private static PieState Standing(int packets)
    {
        var state = default(PieState);
        for (int i = 0; i < packets; i++)
        {
            state.OnEnqueue(Packet);
        }

        return state;
    }

    /// <summary>
    /// One step of an unresponsive source over a standing queue: a packet leaves, one arrives and is queued
    /// whatever the decision, so the delay stays put and only the controller moves. Returns the decision.
    /// </summary>
    private static bool StepStanding(ref PieState state, in PieParameters parameters, ref long now, int packets, TestRandom rng)
    {
        now += Spacing;
        state.OnDequeue(Packet, now);
        bool drop = state.ShouldDrop(parameters, packets - 1, now, rng.Next());
        state.OnEnqueue(Packet);
        return drop;
    }

    [Test]
    public void Drop_probability_rises_while_the_delay_stays_above_the_reference_then_falls_to_zero_as_the_queue_drains()
    {
        var parameters = new PieParameters(Port, tailDropThreshold: 100_000);
        const int Packets = 2000;     // 2 MB at half the port rate: 4,000,000 bytes of line time (320 ms) of delay
        var state = Standing(Packets);
        var rng = new TestRandom(21);
        long now = 0;
        double previous = 0;
        int rises = 0;
        const int Intervals = 30;
        long end = Intervals * parameters.UpdateInterval;
        while (now < end)
        {
            StepStanding(ref state, parameters, ref now, Packets, rng);
            Assert.That(state.DropProbability, Is.GreaterThanOrEqualTo(previous), "delay above the reference never lowers the probability");
            rises += state.DropProbability > previous ? 1 : 0;
            previous = state.DropProbability;
        }

        Assert.That(state.QueueDelay, Is.GreaterThan(parameters.QueueDelayReference), "the standing queue is above the reference");
        Assert.That(rises, Is.GreaterThanOrEqualTo(Intervals - 3), "the probability rises at every update once the rate is measured");
        Assert.That(state.DropProbability, Is.InRange(0.2, 0.99), "30 updates at 320 ms of delay give a substantial but not saturated probability");

        // Drain: departures continue at the same rate, arrivals are probes that are not queued.
        bool belowReference = false;
        int falls = 0;
        long emptiedAt = -1;
        for (int left = Packets; now < emptiedAt + (200 * parameters.UpdateInterval) || emptiedAt < 0;)
        {
            now += Spacing;
            if (left > 0)
            {
                state.OnDequeue(Packet, now);
                left--;
                if (left == 0)
                {
                    emptiedAt = now;
                }
            }

            state.ShouldDrop(parameters, left, now, rng.Next());
            if (belowReference)
            {
                Assert.That(state.DropProbability, Is.LessThanOrEqualTo(previous), "below the reference the probability never rises");
                falls += state.DropProbability < previous ? 1 : 0;
            }

            belowReference |= state.QueueDelay < parameters.QueueDelayReference;
            previous = state.DropProbability;
        }

        Assert.That(state.QueueBytes, Is.Zero, "the queue drained");
        Assert.That(state.QueueDelay, Is.Zero, "an empty queue has no delay");
        Assert.That(falls, Is.GreaterThan(5), "the probability fell at successive updates");
        Assert.That(state.DropProbability, Is.Zero, "with both delays at 0 the probability decays to 0");
        Assert.That(state.BurstAllowance, Is.EqualTo(parameters.MaxBurst), "an uncongested queue regains the full burst allowance");
    }

    [Test]
    public void Burst_allowance_lets_a_fresh_queue_through_for_max_burst_before_early_drops()
    {
        var withBurst = new PieParameters(Port, tailDropThreshold: 100_000);
        var withoutBurst = new PieParameters(Port, tailDropThreshold: 100_000, maxBurstMilliseconds: 0);

        long FirstDrop(in PieParameters parameters, bool checkAllowance)
        {
            const int Packets = 2000;
            var state = Standing(Packets);
            var rng = new TestRandom(5);
            long now = 0;
            for (int step = 0; step < 100_000; step++)
            {
                if (StepStanding(ref state, parameters, ref now, Packets, rng))
                {
                    return now;
                }

                if (checkAllowance && step == 0)
                {
                    Assert.That(state.BurstAllowance, Is.EqualTo(parameters.MaxBurst), "a fresh queue starts with the full allowance");
                }
            }

            return long.MaxValue;
        }

        long first = FirstDrop(withBurst, checkAllowance: true);
        long firstWithout = FirstDrop(withoutBurst, checkAllowance: false);

        Assert.That(firstWithout, Is.LessThan(withBurst.MaxBurst), "without an allowance this congestion drops early within max burst");
        Assert.That(first, Is.GreaterThanOrEqualTo(withBurst.MaxBurst), "the first max burst of line time passes without an early drop");
        Assert.That(first, Is.LessThan(withBurst.MaxBurst + (4 * withBurst.UpdateInterval)), "once the allowance is spent, early drops begin");
    }

    [Test]
    public void Every_arrival_is_dropped_at_the_tail_threshold_and_none_below_it_when_uncongested()
    {
        var parameters = new PieParameters(Port, tailDropThreshold: 64);
        var state = default(PieState);
        Assert.That(state.ShouldDrop(parameters, 63, now: 0, random: 0), Is.False, "below the threshold an uncongested queue accepts");
        Assert.That(state.ShouldDrop(parameters, 64, now: 1, random: uint.MaxValue), Is.True, "at the threshold the tail drops, whatever the random number");
        Assert.That(state.ShouldDrop(parameters, 1000, now: 2, random: uint.MaxValue), Is.True, "above the threshold the tail drops");
    }

    [Test]
    public void Queue_bytes_follow_enqueues_and_dequeues_never_go_negative_and_return_to_zero()
    {
        var state = default(PieState);
        var queued = new Queue<int>();
        var rng = new TestRandom(99);
        long expected = 0, now = 0;
        for (int i = 0; i < 100_000; i++)
        {
            now += rng.Next(1, 3000);
            if (queued.Count > 0 && rng.Next(0, 2) == 0)
            {
                int bytes = queued.Dequeue();
                state.OnDequeue(bytes, now);
                expected -= bytes;
            }
            else
            {
                int bytes = rng.Next(64, 1519);
                queued.Enqueue(bytes);
                state.OnEnqueue(bytes);
                expected += bytes;
            }

            Assert.That(state.QueueBytes, Is.EqualTo(expected).And.GreaterThanOrEqualTo(0), "queue bytes = enqueued − dequeued >= 0");
        }

        while (queued.Count > 0)
        {
            now += 1000;
            state.OnDequeue(queued.Dequeue(), now);
        }

        Assert.That(state.QueueBytes, Is.Zero, "dequeuing every enqueued packet returns the count to 0");
    }

    [TestCase(0.8)]
    [TestCase(0.25)]
    [TestCase(1.0)]
    public void Queue_delay_is_queue_bytes_over_the_measured_departure_rate(double rate)
    {
        var state = default(PieState);
        var rng = new TestRandom(3);
        var queued = new Queue<int>();
        for (int i = 0; i < 400; i++)
        {
            int bytes = rng.Next(64, 1519);
            queued.Enqueue(bytes);
            state.OnEnqueue(bytes);
        }

        // Packets leave back to back at `rate` of the port: each takes bytes / rate of line time.
        double departed = 0;
        for (int i = 0; i < 5_000; i++)
        {
            int bytes = queued.Dequeue();
            departed += bytes;
            state.OnDequeue(bytes, (long)(departed / rate));
            int next = rng.Next(64, 1519);
            queued.Enqueue(next);
            state.OnEnqueue(next);
        }

        Assert.That(state.DepartureRate, Is.EqualTo(rate).Within(rate * 1e-3), "the measured rate is the rate packets left at");
        Assert.That((double)state.QueueDelay, Is.EqualTo(state.QueueBytes / rate).Within(state.QueueBytes / rate * 2e-3),
            "Little's law: delay = queue bytes / departure rate, in bytes of line time");
    }
}
