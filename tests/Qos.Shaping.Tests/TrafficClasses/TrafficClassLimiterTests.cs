using System;
using NUnit.Framework;
using Qos.Shaping.TrafficClasses;

namespace Qos.Shaping.Tests.TrafficClasses;

[TestFixture]
public sealed class TrafficClassLimiterTests
{
    private const long Port = 1_250_000_000;

    private static TrafficClassProfile Profile(long periodMs = 40)
    {
        Span<long> rates = stackalloc long[TrafficClass.Count];
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            rates[tc] = 1_000_000 * (tc + 1); // 1..13 MB/s
        }

        return new TrafficClassProfile(rates, periodMs, nodeRate: 13_000_000, Port);
    }

    [Test]
    public void Each_class_gets_its_rate_times_the_period_in_credits()
    {
        var profile = Profile();
        Assert.That(profile.Period, Is.EqualTo(50_000_000), "40 ms at 10GbE");
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            Assert.That(profile.CreditsPerPeriod(tc), Is.EqualTo(40_000 * (tc + 1)), $"class {tc}: rate × 40 ms");
        }
    }

    [Test]
    public void Credits_are_reset_not_accumulated_at_each_period_boundary()
    {
        var profile = Profile();
        var limiter = TrafficClassLimiter.Start(profile, now: 0);
        Assert.That(limiter.TryConsume(3, 100_000), Is.True);
        Assert.That(limiter.Credits(3), Is.EqualTo(60_000));
        Assert.That(limiter.Refill(profile, profile.Period - 1), Is.False, "no boundary yet");
        Assert.That(limiter.Credits(3), Is.EqualTo(60_000));
        Assert.That(limiter.Refill(profile, profile.Period), Is.True);
        Assert.That(limiter.Credits(3), Is.EqualTo(160_000), "credit after the boundary is one period's worth");
        Assert.That(limiter.Credits(0), Is.EqualTo(40_000), "an unused class does not bank credit across periods");
    }

    [Test]
    public void A_change_of_profile_keeps_the_credits_left_clamped_and_the_period_end()
    {
        var from = Profile(periodMs: 40);
        var to = Profile(periodMs: 10);
        var limiter = TrafficClassLimiter.Start(from, now: 0);
        Assert.That(limiter.TryConsume(3, 150_000), Is.True);
        Assert.That(limiter.TryConsume(0, 40_000), Is.True);
        limiter.Rebind(from, to, now: 1_000);
        Assert.That(limiter.Credits(0), Is.Zero, "a spent class stays spent: a change is not a new period");
        Assert.That(limiter.Credits(3), Is.EqualTo(10_000), "credit left is kept: 10 000 B of 160 000");
        Assert.That(limiter.Credits(12), Is.EqualTo(to.CreditsPerPeriod(12)), "credit above the new cap is clamped to it");
        Assert.That(limiter.NextReset, Is.EqualTo(1_000 + to.Period), "the period ends no later than one new period from the change");

        var same = TrafficClassLimiter.Start(from, now: 0);
        Assert.That(same.TryConsume(5, 240_000), Is.True);
        same.Rebind(from, from, now: 1_000);
        Assert.That((same.Credits(5), same.NextReset), Is.EqualTo((0L, from.Period)), "a change to the same profile changes nothing");
    }

    [Test]
    public void A_class_cannot_send_more_than_its_credits_in_one_period()
    {
        var profile = Profile();
        var limiter = TrafficClassLimiter.Start(profile, now: 0);
        long sent = 0;
        while (limiter.TryConsume(0, 1_000))
        {
            sent += 1_000;
        }

        Assert.That(sent, Is.EqualTo(40_000));
        Assert.That(limiter.TryConsume(0, 1), Is.False);
    }

    [Test]
    public void A_saturated_class_sends_at_its_cap_over_many_periods_even_when_checked_late()
    {
        var profile = Profile(periodMs: 10);
        var limiter = TrafficClassLimiter.Start(profile, now: 0);
        var rng = new Random(9);
        long now = 0, sent = 0;
        const long Periods = 1000;
        while (now < Periods * profile.Period)
        {
            now += rng.Next(1, 200_000); // checks arrive at irregular times, up to 1.6% of a period late
            limiter.Refill(profile, now);
            while (limiter.TryConsume(TrafficClass.BestEffort, 1_000))
            {
                sent += 1_000;
            }
        }

        long expected = Periods * profile.CreditsPerPeriod(TrafficClass.BestEffort);
        Assert.That(sent, Is.EqualTo(expected).Within(profile.CreditsPerPeriod(TrafficClass.BestEffort)),
            "late checks do not stretch the period: the grid of boundaries stays put");
    }

    [Test]
    public void A_class_rate_above_the_node_rate_is_refused_with_its_index()
    {
        Span<long> rates = stackalloc long[TrafficClass.Count];
        rates.Fill(1_000);
        rates[5] = 2_000;
        var copy = rates.ToArray();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TrafficClassProfile(copy, 10, nodeRate: 1_500, Port));
        Assert.That(e!.Message, Does.Contain("classRates[5]").And.Contain("2000"));
    }

    [Test]
    public void Queue_indices_map_strict_classes_and_best_effort_queues()
    {
        Assert.That(TrafficClass.QueueIndex(0, 0), Is.EqualTo(0));
        Assert.That(TrafficClass.QueueIndex(11, 0), Is.EqualTo(11));
        Assert.That(TrafficClass.QueueIndex(TrafficClass.BestEffort, 3), Is.EqualTo(15));
        Assert.That(TrafficClass.OfQueue(13), Is.EqualTo(TrafficClass.BestEffort));
        Assert.That(TrafficClass.OfQueue(7), Is.EqualTo(7));
    }
}
