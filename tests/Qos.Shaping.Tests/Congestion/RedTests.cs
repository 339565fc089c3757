using System;
using NUnit.Framework;
using Qos.Shaping.Congestion;

namespace Qos.Shaping.Tests.Congestion;

[TestFixture]
public sealed class RedTests
{
    private const int WeightLog2 = 9;

    private static readonly RedParameters Green = new(32, 64, 10);

    /// <summary>Green 32..64, yellow 24..48, red 20..40, all with a ramp top of 1/10.</summary>
    private static RedProfile Profile(int weightLog2 = WeightLog2) =>
        new(Green, new RedParameters(24, 48, 10), new RedParameters(20, 40, 10), weightLog2);

    /// <summary>A queue whose average has converged to <paramref name="queueLength"/> exactly.</summary>
    private static RedState HeldAt(in RedProfile profile, int queueLength)
    {
        var state = default(RedState);
        for (int i = 0; i < 20_000; i++)
        {
            state.ShouldDrop(profile, PacketColor.Green, queueLength, now: 0, random: uint.MaxValue);
        }

        Assert.That(state.Average, Is.EqualTo(queueLength), "a constant queue length is reached exactly");
        return state;
    }

    /// <summary>Fraction of <paramref name="decisions"/> arrivals dropped at a constant queue length, and the longest run between drops.</summary>
    private static (double Fraction, int LongestGap) Measure(RedState state, in RedProfile profile, PacketColor color, int queueLength, int decisions, uint seed)
    {
        var rng = new TestRandom(seed);
        int drops = 0, gap = 0, longest = 0;
        for (int i = 0; i < decisions; i++)
        {
            gap++;
            if (state.ShouldDrop(profile, color, queueLength, now: 0, rng.Next()))
            {
                drops++;
                longest = Math.Max(longest, gap);
                gap = 0;
            }
        }

        Assert.That(state.Average, Is.EqualTo(queueLength), "the average holds while the queue length does");
        return ((double)drops / decisions, longest);
    }

    [TestCase(0.0, 0.0)]
    [TestCase(31.5, 0.0)]
    [TestCase(32.0, 0.0)]          // at min
    [TestCase(40.0, 0.1 * 0.25)]   // a quarter of the way
    [TestCase(48.0, 0.1 * 0.5)]    // half
    [TestCase(56.0, 0.1 * 0.75)]   // three quarters
    [TestCase(63.5, 0.1 * 31.5 / 32)]
    [TestCase(64.0, 1.0)]          // at max
    [TestCase(1000.0, 1.0)]
    public void Drop_probability_is_zero_up_to_min_then_the_linear_ramp_then_one(double average, double expected)
    {
        Assert.That(Green.DropProbability(average), Is.EqualTo(expected).Within(1e-15),
            "pb = maxp × (avg − min) / (max − min) between the thresholds, 0 below, 1 from max");
    }

    [Test]
    public void Every_packet_is_dropped_once_the_average_reaches_max()
    {
        var profile = Profile();
        var state = default(RedState);
        int atOrAboveMax = 0;
        for (int i = 0; i < 20_000; i++)
        {
            bool aboveBefore = state.Average >= 64;
            bool drop = state.ShouldDrop(profile, PacketColor.Green, 200, now: 0, random: uint.MaxValue);
            if (aboveBefore)
            {
                atOrAboveMax++;
                Assert.That(drop, Is.True, "avg >= max drops with probability 1, whatever the random number");
            }
        }

        Assert.That(atOrAboveMax, Is.GreaterThan(10_000), "the average did reach max");
    }

    [Test]
    public void No_packet_is_dropped_while_the_average_stays_below_min()
    {
        var profile = Profile();
        var state = default(RedState);
        var rng = new TestRandom(7);
        for (int i = 0; i < 100_000; i++)
        {
            int queueLength = rng.Next(0, 32);
            Assert.That(state.ShouldDrop(profile, PacketColor.Green, queueLength, now: 0, random: 0), Is.False,
                "avg < min never drops, even with the most dropping random number");
            Assert.That(state.Average, Is.LessThan(32), "an average of lengths below min stays below min");
        }
    }

    [TestCase(40, 1u)]
    [TestCase(48, 2u)]
    [TestCase(56, 3u)]
    public void Long_run_drop_fraction_at_a_held_average_matches_uniform_gaps_between_drops(int average, uint seed)
    {
        var profile = Profile();
        var state = HeldAt(profile, average);
        double pb = Green.DropProbability(average);

        var (fraction, longestGap) = Measure(state, profile, PacketColor.Green, average, 200_000, seed);

        // Gaps uniform on 1..1/pb have mean (1 + 1/pb) / 2; over 200k decisions the standard deviation of the
        // fraction is below 4e-4, so 3e-3 is a wide margin that still tells 2pb/(1+pb) from pb.
        Assert.That(fraction, Is.EqualTo(2 * pb / (1 + pb)).Within(3e-3), "drop fraction ≈ 2pb / (1 + pb) with uniformisation");
        Assert.That(fraction, Is.GreaterThan(1.5 * pb), "counting packets since the last drop raises the fraction well above pb");
        Assert.That(longestGap, Is.LessThanOrEqualTo((int)Math.Ceiling(1 / pb)), "pa reaches 1 after 1/pb accepted packets: no longer gap exists");
    }

    [TestCase(1, 1)]
    [TestCase(5, 100)]
    [TestCase(9, 100)]
    [TestCase(12, 1)]
    [TestCase(12, 65535)]
    public void One_arrival_from_an_empty_average_moves_it_by_the_weight(int weightLog2, int queueLength)
    {
        var profile = Profile(weightLog2);
        var state = default(RedState);
        state.ShouldDrop(profile, PacketColor.Green, queueLength, now: 0, random: uint.MaxValue);
        Assert.That(state.Average, Is.EqualTo(Math.ScaleB(queueLength, -weightLog2)),
            "avg = q × 2^-n exactly: 16 fractional bits hold every q × 2^-n for n <= 12");
    }

    [Test]
    public void The_average_converges_to_a_constant_queue_length_up_and_down()
    {
        var profile = Profile();
        var state = default(RedState);
        double previous = 0;
        for (int i = 0; i < 20_000; i++)
        {
            state.ShouldDrop(profile, PacketColor.Green, 40, now: 0, random: uint.MaxValue);
            Assert.That(state.Average, Is.GreaterThanOrEqualTo(previous).And.LessThanOrEqualTo(40), "the average rises monotonically without overshoot");
            previous = state.Average;
        }

        Assert.That(state.Average, Is.EqualTo(40), "converged up");
        for (int i = 0; i < 20_000; i++)
        {
            state.ShouldDrop(profile, PacketColor.Green, 10, now: 0, random: uint.MaxValue);
        }

        Assert.That(state.Average, Is.EqualTo(10), "converged down");
    }

    [Test]
    public void The_average_decays_while_the_queue_is_empty_and_more_for_a_longer_idle_time()
    {
        var profile = Profile();
        var held = HeldAt(profile, 40);
        const long EmptyAt = 1_000_000;
        held.MarkEmpty(EmptyAt);
        double keep = 1 - Math.ScaleB(1, -WeightLog2);

        var shortIdle = held;
        shortIdle.ShouldDrop(profile, PacketColor.Green, 0, EmptyAt + (100 * profile.IdlePacketCost) + 50, uint.MaxValue);
        var longIdle = held;
        longIdle.ShouldDrop(profile, PacketColor.Green, 0, EmptyAt + (1000 * profile.IdlePacketCost), uint.MaxValue);
        var forever = held;
        forever.ShouldDrop(profile, PacketColor.Green, 0, EmptyAt + 1_000_000_000_000, uint.MaxValue);

        Assert.That(shortIdle.Average, Is.EqualTo(40 * Math.Pow(keep, 100)).Within(1e-4), "avg × (1 − 2^-n)^m for m = 100 idle packets");
        Assert.That(longIdle.Average, Is.EqualTo(40 * Math.Pow(keep, 1000)).Within(1e-4), "avg × (1 − 2^-n)^m for m = 1000 idle packets");
        Assert.That(longIdle.Average, Is.LessThan(shortIdle.Average), "a longer idle time decays the average more");
        Assert.That(shortIdle.Average, Is.LessThan(40), "any idle time of a packet or more decays the average");
        Assert.That(forever.Average, Is.Zero, "a very long idle time forgets the average entirely");
    }

    [Test]
    public void Arrivals_dropped_into_an_empty_queue_age_the_average_for_the_idle_time_only_once()
    {
        var profile = Profile();
        var once = HeldAt(profile, 70);
        once.MarkEmpty(0);
        var twice = once;

        once.ShouldDrop(profile, PacketColor.Green, 0, 700 * profile.IdlePacketCost, uint.MaxValue);
        Assert.That(twice.ShouldDrop(profile, PacketColor.Green, 0, (30 * profile.IdlePacketCost) + 40, uint.MaxValue), Is.True,
            "the decayed average is still above max: the packet is dropped and the queue stays empty");
        twice.ShouldDrop(profile, PacketColor.Green, 0, 700 * profile.IdlePacketCost, uint.MaxValue);

        Assert.That(twice.Average, Is.EqualTo(once.Average).Within(Math.ScaleB(1, -14)),
            "decaying over 30 then 670 idle packets equals decaying over 700 (to rounding)");
    }

    [Test]
    public void At_the_same_average_red_drops_more_than_yellow_and_yellow_more_than_green()
    {
        var profile = Profile();
        var held = HeldAt(profile, 36);

        var (green, _) = Measure(held, profile, PacketColor.Green, 36, 100_000, 11);
        var (yellow, _) = Measure(held, profile, PacketColor.Yellow, 36, 100_000, 12);
        var (red, _) = Measure(held, profile, PacketColor.Red, 36, 100_000, 13);

        Assert.That(red, Is.GreaterThan(yellow), "red thresholds are lower than yellow: more red packets drop");
        Assert.That(yellow, Is.GreaterThan(green), "yellow thresholds are lower than green: more yellow packets drop");
        foreach (var (color, fraction) in new[] { (profile.Green, green), (profile.Yellow, yellow), (profile.Red, red) })
        {
            double pb = color.DropProbability(36);
            Assert.That(fraction, Is.EqualTo(2 * pb / (1 + pb)).Within(5e-3), $"each colour follows its own ramp (pb = {pb})");
        }
    }
}
