using System.Threading;
using NUnit.Framework;
using Qos.EventCore.Migration;
using Qos.Perf.Balance.Simulation;

namespace Qos.EventCore.Tests.Balancing;

[TestFixture]
public sealed class BalanceSimulatorTests
{
    private static BalanceScenario Small(string policy, long seed) => new()
    {
        Policy = policy,
        Workers = 8,
        Domains = 4,
        Nodes = 2,
        Flows = 1024,
        DurationNs = 600 * BalanceScenario.Millisecond,
        WarmupNs = 200 * BalanceScenario.Millisecond,
        ShiftEveryNs = 100 * BalanceScenario.Millisecond,
        ShiftFlows = 4,
        Seed = seed,
        KeepWorkerSeries = true,
    };

    [TestCase("dsw")]
    [TestCase("hierarchical")]
    [CancelAfter(30_000)]
    public void The_same_seed_gives_the_same_result_and_another_seed_another(string policy, CancellationToken token)
    {
        string first = BalanceSimulator.Run(Small(policy, 7)).ToJson(includeSeries: true);
        string second = BalanceSimulator.Run(Small(policy, 7)).ToJson(includeSeries: true);
        Assert.That(second, Is.EqualTo(first), "virtual time and one seeded generator: a run is repeatable to the last digit");
        string other = BalanceSimulator.Run(Small(policy, 8)).ToJson(includeSeries: true);
        Assert.That(other, Is.Not.EqualTo(first), "the seed matters");
    }

    [Test]
    [CancelAfter(30_000)]
    public void A_policy_factory_replaces_the_named_policy_and_its_settings_matter(CancellationToken token)
    {
        string named = BalanceSimulator.Run(Small("dsw", 5)).ToJson(includeSeries: true);
        string same = BalanceSimulator.Run(Small("dsw", 5) with { PolicyFactory = () => new DswMigrationPolicy() }).ToJson(includeSeries: true);
        Assert.That(same, Is.EqualTo(named), "a factory making the default policy gives the named policy's run");
        BalanceResult dpdk = BalanceSimulator.Run(Small("dsw", 5) with { PolicyFactory = () => new DswMigrationPolicy { PreferMostIdleTarget = true, MinLoadGap = 0.10 } });
        BalanceResult gap = BalanceSimulator.Run(Small("dsw", 5));
        Assert.That(gap.Moves, Is.LessThan(dpdk.Moves), "moving the flow nearest half the gap needs fewer moves than shedding small flows");
    }

    [Test]
    [CancelAfter(30_000)]
    public void The_simulator_moves_flows_and_the_capped_zipf_rates_carry_the_offered_load(CancellationToken token)
    {
        double[] rates = BalanceSimulator.CappedZipf(1024, 1.1, 6.4, 0.25);
        double sum = 0;
        foreach (double r in rates)
        {
            Assert.That(r, Is.LessThanOrEqualTo(0.25 + 1e-12), "no flow above the cap");
            sum += r;
        }

        Assert.That(sum, Is.EqualTo(6.4).Within(1e-6), "the rates add up to load x workers");
        BalanceResult result = BalanceSimulator.Run(Small("hierarchical", 3));
        Assert.That(result.Moves, Is.GreaterThan(0), "shifts create imbalance that the policy corrects");
        Assert.That(result.MaxOverMeanP50, Is.LessThan(1.25), "the policy keeps the typical window balanced");
    }
}
