using System.Linq;
using NUnit.Framework;
using Qos.TrafficManager.Configuration;
using static Qos.TrafficManager.Tests.Conformance.Profiles;

namespace Qos.TrafficManager.Tests.Conformance;

/// <summary>
/// A change at run time (pipe or subport profile, oversubscription on or off) is not a new class period: a class
/// that spent its credit keeps what it has left (clamped to the new profile's credit) until its period ends.
/// </summary>
[TestFixture]
public sealed class ProfileChangeConformanceTests
{
    private const long Port = Gigabit;

    /// <summary>Class periods of 100 ms: 12.5 MB of line time.</summary>
    private const long PeriodMs = 100;

    /// <summary>102.4 kB/s × 100 ms: ten 1000 B packets (1024 B with the overhead) per period.</summary>
    private const long TenFrames = 102_400;

    private const long Frame = 1024;

    /// <summary>Idle steps of 80 µs: the periods here are long, and the counts exact at any step.</summary>
    private const long IdleStep = 10_000;

    private static readonly long Period = Seconds(PeriodMs / 1000.0, Port);

    [TestCase(0, TestName = "A_pipe_that_spent_its_class_credit_gets_none_back_from_a_change_to_the_same_profile")]
    [TestCase(1, TestName = "A_pipe_that_spent_its_class_credit_gets_none_back_from_a_change_to_a_larger_profile")]
    public void A_pipe_profile_change_within_a_period_gives_no_new_class_credit(int profile)
    {
        using var line = new Line(Port(Port, Subport(Port), [CappedPipe(TenFrames), CappedPipe(2 * TenFrames)], [new PipeGroup(1, 0)]), idleStep: IdleStep);
        line.Backlog(0, 0, tc: 3);
        line.Run(Period / 2);
        Assert.That(line.SentCost(0, 0, 3), Is.EqualTo(10 * Frame), "the class sent its ten frames and waits for its next period");

        line.Scheduler.ChangePipeProfile(0, 0, profile);
        line.Run((Period / 2) - 100_000);
        Assert.That(line.SentCost(0, 0, 3), Is.EqualTo(10 * Frame), "no class sends more in a period than its cap: the change is not a new period");

        line.Run(Period);
        Assert.That(line.SentCost(0, 0, 3), Is.EqualTo((10 + (10 * (profile + 1))) * Frame), "the next period brings the new profile's credit");
        line.AssertConservation();
    }

    [Test]
    public void A_subport_that_spent_its_class_credit_gets_none_back_from_a_profile_change()
    {
        using var line = new Line(Port(Port, CappedSubport(), [Pipe(Port)], [new PipeGroup(2, 0)]), idleStep: IdleStep);
        line.Backlog(0, 0, tc: 3);
        line.Backlog(0, 1, tc: 3);
        line.Run(Period / 2);
        Assert.That(SentBySubportClass3(line), Is.EqualTo(10 * Frame), "the subport class sent its ten frames");

        line.Scheduler.ChangeSubportProfile(0, 0);
        line.Run((Period / 2) - 100_000);
        Assert.That(SentBySubportClass3(line), Is.EqualTo(10 * Frame), "no subport class sends more in a period than its cap: the change is not a new period");

        line.Run(Period);
        Assert.That(SentBySubportClass3(line), Is.EqualTo(20 * Frame), "the next period brings new credit");
        line.AssertConservation();
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Turning_oversubscription_control_over_within_a_period_gives_no_new_class_credit(bool initially)
    {
        var config = Port(Port, CappedSubport(), [Pipe(Port)], [new PipeGroup(2, 0)], oversubscription: initially);
        using var line = new Line(config, idleStep: IdleStep);
        line.Backlog(0, 0, tc: 3);
        line.Backlog(0, 1, tc: 3);
        line.Run(Period / 2);
        Assert.That(SentBySubportClass3(line), Is.EqualTo(10 * Frame), "the subport class sent its ten frames");

        line.Scheduler.SetOversubscription(0, !initially);
        line.Run((Period / 2) - 100_000);
        Assert.That(SentBySubportClass3(line), Is.EqualTo(10 * Frame), "no subport class sends more in a period than its cap after oversubscription control is switched");
        line.AssertConservation();
    }

    [Test]
    public void A_pipe_that_spent_its_best_effort_allowance_gets_none_back_from_a_profile_change()
    {
        // One pipe under oversubscription control, no contention: the watermark stays at its maximum, 10 ms × the
        // pipe's best-effort rate = ten frames per 10 ms subport period, while the pipe's own 100 ms cap allows a hundred.
        var pipe = Pipe(Port, bucket: 100_000, classRates: [.. Rates(Port).Take(12), 10 * TenFrames], periodMs: PeriodMs);
        using var line = new Line(Port(Port, Subport(Port, periodMs: 10), [pipe], [new PipeGroup(1, 0)], oversubscription: true));
        long subportPeriod = Seconds(0.01, Port);
        line.Backlog(0, 0, tc: 12);
        line.Run(subportPeriod / 2);
        Assert.That(line.SentCost(0, 0, 12), Is.EqualTo(10 * Frame), "the pipe sent its ten-frame allowance");

        line.Scheduler.ChangePipeProfile(0, 0, 0);
        line.Run((subportPeriod / 2) - 20_000);
        Assert.That(line.SentCost(0, 0, 12), Is.EqualTo(10 * Frame), "the change keeps what is left of the allowance for this subport period");
        line.AssertConservation();
    }

    private static PipeProfileConfig CappedPipe(long class3) =>
        Pipe(Port, bucket: 100_000, classRates: Rates(Port).Select((r, tc) => tc == 3 ? class3 : r).ToArray(), periodMs: PeriodMs);

    private static SubportProfileConfig CappedSubport() =>
        Subport(Port, bucket: 100_000, classRates: Rates(Port).Select((r, tc) => tc == 3 ? TenFrames : r).ToArray(), periodMs: PeriodMs);

    private static long SentBySubportClass3(Line line) => line.SentCost(0, 0, 3) + line.SentCost(0, 1, 3);
}
