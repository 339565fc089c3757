using System;
using NUnit.Framework;
using Qos.Shaping.Oversubscription;

namespace Qos.Shaping.Tests.Oversubscription;

[TestFixture]
public sealed class OversubscriptionWatermarkTests
{
    private const long Mtu = 1522;

    private static OversubscriptionWatermark Watermark() =>
        OversubscriptionWatermark.ForSubport(Mtu, 24, subportPeriodMilliseconds: 10, largestPipeBestEffortRate: 1_250_000);

    [Test]
    public void Bounds_are_one_frame_and_the_fastest_pipe_per_period()
    {
        var wm = Watermark();
        Assert.That(wm.Minimum, Is.EqualTo(Mtu + 24));
        Assert.That(wm.Maximum, Is.EqualTo(12_500), "10 ms at 1.25 MB/s");
        Assert.That(wm.Value, Is.EqualTo(wm.Maximum), "starts unrestricted");
    }

    [Test]
    public void It_shrinks_by_one_128th_while_best_effort_uses_all_that_is_left()
    {
        var wm = Watermark();
        long before = wm.Value;
        long after = wm.Update(bestEffortBudget: 1_000_000, higherClassesConsumed: 400_000, bestEffortConsumed: 599_000, Mtu);
        Assert.That(after, Is.EqualTo(before - (before >> 7)), "within one MTU of the 600000 left: contention");
    }

    [Test]
    public void It_grows_by_one_128th_plus_one_when_capacity_went_unused()
    {
        var wm = Watermark();
        for (int i = 0; i < 200; i++)
        {
            wm.Update(1_000_000, 0, 1_000_000, Mtu);
        }

        long low = wm.Value;
        long after = wm.Update(bestEffortBudget: 1_000_000, higherClassesConsumed: 400_000, bestEffortConsumed: 100_000, Mtu);
        Assert.That(after, Is.EqualTo(low + (low >> 7) + 1));
    }

    [Test]
    public void It_stays_within_its_bounds_whatever_the_inputs()
    {
        var wm = Watermark();
        var rng = new Random(1);
        for (int i = 0; i < 100_000; i++)
        {
            long v = wm.Update(rng.NextInt64(0, 2_000_000), rng.NextInt64(0, 3_000_000), rng.NextInt64(0, 2_000_000), Mtu);
            Assert.That(v, Is.InRange(wm.Minimum, wm.Maximum));
        }

        for (int i = 0; i < 2_000; i++)
        {
            wm.Update(1_000_000, 0, 1_000_000, Mtu);
        }

        Assert.That(wm.Value, Is.EqualTo(wm.Minimum), "sustained contention settles at the minimum");
        for (int i = 0; i < 2_000; i++)
        {
            wm.Update(1_000_000, 0, 0, Mtu);
        }

        Assert.That(wm.Value, Is.EqualTo(wm.Maximum), "sustained idleness settles at the maximum");
    }

    [Test]
    public void Higher_classes_taking_more_than_the_budget_count_as_contention_not_a_wrap()
    {
        var wm = Watermark();
        long before = wm.Value;
        long after = wm.Update(bestEffortBudget: 1_000_000, higherClassesConsumed: 1_200_000, bestEffortConsumed: 0, Mtu);
        Assert.That(after, Is.LessThan(before), "nothing was left for best effort, so the watermark must not grow");
    }

    [Test]
    public void Allowances_scale_with_the_pipe_weight()
    {
        var wm = Watermark();
        Assert.That(wm.Allowance(3), Is.EqualTo(3 * wm.Value));
        Assert.That(wm.Allowance(1), Is.EqualTo(wm.Value));
    }
}
