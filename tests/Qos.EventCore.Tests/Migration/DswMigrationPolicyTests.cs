using System;
using NUnit.Framework;
using Qos.EventCore.Migration;

namespace Qos.EventCore.Tests.Migration;

[TestFixture]
public sealed class DswMigrationPolicyTests
{
    private const ulong AllFour = 0b1111;

    private static FlowMove[] Decide(DswMigrationPolicy policy, int source, double[] loads, FlowSample[] flows, ulong[] serving, int sampleSize = 0)
    {
        var moves = new FlowMove[16];
        int total = sampleSize;
        if (total == 0)
        {
            foreach (FlowSample f in flows)
            {
                total += f.Count;
            }
        }

        var context = new MigrationContext(source, loads, flows, total, serving);
        int n = policy.SelectMigrations(in context, moves);
        return moves[..n];
    }

    [Test]
    public void A_port_below_the_source_threshold_moves_nothing()
    {
        var moves = Decide(new DswMigrationPolicy(), 0, [0.65, 0.0, 0.0, 0.0], [new(0, 1, 10), new(0, 2, 10)], [AllFour]);
        Assert.That(moves, Is.Empty, "0.65 < MinSourceLoad 0.70: no migration");
    }

    [Test]
    public void A_busy_port_moves_flows_to_the_least_loaded_port_until_it_is_no_longer_overloaded()
    {
        // Source 0.9 with four equal flows (0.225 each); port 2 is nearly idle.
        var moves = Decide(new DswMigrationPolicy(), 0, [0.9, 0.6, 0.1, 0.8],
            [new(0, 10, 32), new(0, 11, 32), new(0, 12, 32), new(0, 13, 32)], [AllFour]);
        Assert.That(moves, Is.Not.Empty, "an overloaded port with an idle peer moves something");
        Assert.That(moves[0].TargetPort, Is.EqualTo(2), "the first move goes to the least loaded port");
        Assert.That(moves.Length, Is.LessThan(4), "never every flow it saw");
        foreach (FlowMove m in moves)
        {
            Assert.That(m.TargetPort, Is.Not.EqualTo(0), "never to itself");
        }
    }

    [Test]
    public void Moves_that_would_not_lower_the_imbalance_or_would_overload_the_target_are_not_made()
    {
        // One big flow (0.8 of 0.9) and a small one: moving the big one to a 0.3 port makes things worse.
        var big = Decide(new DswMigrationPolicy(), 0, [0.9, 0.3], [new(0, 1, 114), new(0, 2, 14)], [0b11]);
        Assert.That(big, Has.Length.EqualTo(1), "only the small flow moves");
        Assert.That(big[0].FlowHash, Is.EqualTo(2), "the small flow is the one that lowers the imbalance");

        var full = Decide(new DswMigrationPolicy { MaxTargetLoad = 0.95 }, 0, [0.9, 0.93], [new(0, 1, 64), new(0, 2, 64)], [0b11]);
        Assert.That(full, Is.Empty, "no target may go above MaxTargetLoad");
    }

    [Test]
    public void Targets_must_serve_the_flows_queue()
    {
        // Queue 1 is served by ports 0 and 3 only; port 1 is idle but does not serve it.
        var moves = Decide(new DswMigrationPolicy(), 0, [0.95, 0.0, 0.5, 0.3], [new(1, 5, 20), new(1, 6, 80)], [AllFour, 0b1001]);
        Assert.That(moves, Is.Not.Empty, "port 3 serves queue 1 and is less loaded");
        Assert.That(moves[0].TargetPort, Is.EqualTo(3), "only a serving port is a target");
    }

    [Test]
    public void One_flow_alone_never_moves_and_the_flow_count_per_migration_is_capped()
    {
        Assert.That(Decide(new DswMigrationPolicy(), 0, [1.0, 0.0], [new(0, 1, 128)], [0b11]), Is.Empty, "moving the only flow just moves the hot spot");

        var many = new FlowSample[40];
        for (int i = 0; i < many.Length; i++)
        {
            many[i] = new FlowSample(0, i, 3);
        }

        var moves = Decide(new DswMigrationPolicy { MaxFlowsPerMigration = 3 }, 0, [1.0, 0.0, 0.0, 0.0], many, [AllFour]);
        Assert.That(moves, Has.Length.EqualTo(3), "MaxFlowsPerMigration caps one migration");
    }

    [Test]
    public void Policy_settings_outside_their_range_are_refused_with_name_value_and_rule()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new DswMigrationPolicy { MinSourceLoad = 1.5 });
        Assert.That(e!.Message, Does.Contain("MinSourceLoad 1.5 must be from 0 to 1"), "the message names field, value and rule");
        var f = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new DswMigrationPolicy { MaxFlowsPerMigration = 0 });
        Assert.That(f!.Message, Does.Contain("MaxFlowsPerMigration 0 must be from 1 to 16"), "flow cap range");
    }
}
