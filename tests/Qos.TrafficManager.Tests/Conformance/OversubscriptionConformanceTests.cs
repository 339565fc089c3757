using System.Linq;
using NUnit.Framework;
using Qos.TrafficManager.Configuration;
using static Qos.TrafficManager.Tests.Conformance.Profiles;

namespace Qos.TrafficManager.Tests.Conformance;

/// <summary>
/// Best-effort oversubscription: the subport's best-effort budget (25 MB/s) is far below what its pipes'
/// best-effort rates add up to, and the watermark shares it out in proportion to the pipes' weights.
/// The subport class period is 5 ms and packets are small (100 B) so that the 1/128-per-period adaptation
/// settles within a second and the per-period allowances are many packets long.
/// </summary>
[TestFixture]
public sealed class OversubscriptionConformanceTests
{
    private const long Port = Gigabit;
    private const long Budget = 25_000_000;
    private const long PipeBestEffort = 12_500_000;

    private static Line Oversubscribed(int[] weights, bool oversubscription)
    {
        var subportCaps = Rates(Port);
        subportCaps[12] = Budget;
        var pipes = weights.Select(w => Pipe(PipeBestEffort, bucket: 20_000, weight: w)).ToArray();
        var groups = weights.Select((_, i) => new PipeGroup(1, i)).ToArray();
        var line = new Line(Port(Port, Subport(Port, classRates: subportCaps, periodMs: 5), pipes, groups, oversubscription: oversubscription), idleStep: 500);
        for (int p = 0; p < weights.Length; p++)
        {
            line.Backlog(0, p, tc: 12, queue: p % 4, depth: 32, length: () => 100);
        }

        return line;
    }

    private static double[] Shares(Line line, int pipes, long window)
    {
        var before = Enumerable.Range(0, pipes).Select(p => line.SentCostOfPipe(0, p)).ToArray();
        line.Run(window);
        var sent = Enumerable.Range(0, pipes).Select(p => (double)(line.SentCostOfPipe(0, p) - before[p])).ToArray();
        return sent.Select(s => s / sent.Sum()).ToArray();
    }

    [Test]
    public void Backlogged_pipes_of_equal_weight_share_the_subport_best_effort_budget_equally()
    {
        using var line = Oversubscribed([1, 1, 1, 1, 1], oversubscription: true);
        line.Run(Seconds(0.8, Port)); // the watermark adapts by 1/128 per period
        long before = Enumerable.Range(0, 5).Sum(p => line.SentCostOfPipe(0, p));
        var shares = Shares(line, 5, Seconds(1, Port));
        long total = Enumerable.Range(0, 5).Sum(p => line.SentCostOfPipe(0, p)) - before;
        // Why 2%: the watermark oscillates by 1/128 around its balance point and a period's unused allowance
        // is not carried over, so contention costs a little of the budget.
        Assert.That(total, Is.EqualTo(Budget).Within(Budget / 50), "the subport best-effort budget is used in full, within 2%");
        foreach (double share in shares)
        {
            Assert.That(share, Is.EqualTo(0.2).Within(0.2 * 0.03), "equal weights, equal shares");
        }

        Assert.That(line.Scheduler.OversubscriptionWatermark(0), Is.InRange(23_000, 27_000), "watermark near budget per period / total weight (125000 / 5)");
        line.AssertConservation();
    }

    [Test]
    public void Shares_follow_the_oversubscription_weights()
    {
        int[] weights = [1, 2, 3, 4];
        using var line = Oversubscribed(weights, oversubscription: true);
        line.Run(Seconds(1.2, Port));
        var shares = Shares(line, 4, Seconds(1, Port));
        for (int p = 0; p < 4; p++)
        {
            double expected = weights[p] / 10.0;
            Assert.That(shares[p], Is.EqualTo(expected).Within(expected * 0.03), $"pipe {p} of weight {weights[p]}");
        }

        line.AssertConservation();
    }

    [Test]
    public void Without_oversubscription_control_weights_have_no_effect()
    {
        using var line = Oversubscribed([1, 2, 3, 4], oversubscription: false);
        line.Run(Seconds(0.2, Port));
        var shares = Shares(line, 4, Seconds(0.5, Port));
        foreach (double share in shares)
        {
            Assert.That(share, Is.EqualTo(0.25).Within(0.25 * 0.03), "plain round robin among the pipes");
        }

        line.AssertConservation();
    }

    [Test]
    public void When_contention_ends_the_watermark_grows_back_and_a_lone_pipe_gets_its_full_rate()
    {
        using var line = Oversubscribed([1, 1, 1, 1, 1], oversubscription: true);
        line.Run(Seconds(0.8, Port));
        long contended = line.Scheduler.OversubscriptionWatermark(0);
        Assert.That(contended, Is.LessThan(62_500 / 2), "contention pulled the watermark well below its maximum (5 ms × 12.5 MB/s)");
        for (int p = 1; p < 5; p++)
        {
            line.StopBacklog(0, p, tc: 12, queue: p % 4);
        }

        line.Run(Seconds(1, Port));
        Assert.That(line.Scheduler.OversubscriptionWatermark(0), Is.EqualTo(62_500), "no contention: the watermark grows back to its maximum");
        long before = line.SentCostOfPipe(0, 0);
        long window = Seconds(0.5, Port);
        line.Run(window);
        Assert.That(line.SentCostOfPipe(0, 0) - before, Is.EqualTo(PipeBestEffort * window / Port).Within(PipeBestEffort * window / Port / 100),
            "the lone pipe reaches its own best-effort rate");
        line.AssertConservation();
    }

    [Test]
    public void Oversubscription_control_can_be_turned_on_at_run_time()
    {
        // Four pipes of 12.5 MB/s best effort ask for twice the 25 MB/s budget.
        using var line = Oversubscribed([1, 1, 3, 3], oversubscription: false);
        line.Run(Seconds(0.2, Port));
        Assert.That(line.Scheduler.IsOversubscriptionEnabled(0), Is.False);
        line.Scheduler.SetOversubscription(0, true);
        Assert.That(line.Scheduler.IsOversubscriptionEnabled(0), Is.True);
        line.Run(Seconds(0.8, Port));
        var shares = Shares(line, 4, Seconds(1, Port));
        Assert.That(shares, Is.EqualTo(new[] { 0.125, 0.125, 0.375, 0.375 }).Within(0.125 * 0.03), "weights 1:1:3:3 once it is on");
        line.Scheduler.SetOversubscription(0, false);
        line.Run(Seconds(0.1, Port));
        shares = Shares(line, 4, Seconds(0.5, Port));
        Assert.That(shares, Is.EqualTo(new[] { 0.25, 0.25, 0.25, 0.25 }).Within(0.25 * 0.03), "equal again once it is off");
        line.AssertConservation();
    }
}
