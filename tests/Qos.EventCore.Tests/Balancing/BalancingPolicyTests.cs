using System;
using NUnit.Framework;
using Qos.EventCore.Balancing;
using Qos.EventCore.Migration;

namespace Qos.EventCore.Tests.Balancing;

/// <summary>Both policies on hand-built situations whose right answer is known.</summary>
[TestFixture]
public sealed class BalancingPolicyTests
{
    private const ulong FourPorts = 0b1111;

    private static FlowMove[] Decide(IMigrationPolicy policy, int source, double[] loads, FlowSample[] flows, ulong serving,
        BalanceTopology? topology = null, long holdDown = 0, int budget = int.MaxValue)
    {
        int total = 0;
        foreach (FlowSample f in flows)
        {
            total += f.Count;
        }

        var moves = new FlowMove[16];
        var context = new MigrationContext(source, loads, flows, total, [serving], holdDown, budget, topology);
        return moves[..policy.SelectMigrations(in context, moves)];
    }

    private static IMigrationPolicy[] Both() => [new DswMigrationPolicy(), new HierarchicalMigrationPolicy()];

    [Test]
    public void Dsw_local_with_dpdk_weighting_sheds_a_small_flow_to_the_most_idle_port_before_a_large_one()
    {
        // Source 1.0: one flow of 0.5, one of 0.3125, one of 0.125, one of 0.0625. Port 1 is the most idle.
        FlowSample[] flows = [new(0, 1, 8), new(0, 2, 16), new(0, 3, 40), new(0, 4, 64)];
        var moves = Decide(new DswMigrationPolicy { PreferMostIdleTarget = true }, 0, [1.0, 0.3, 0.6, 0.8], flows, FourPorts);
        Assert.That(moves, Is.Not.Empty, "an overloaded port with idle peers moves something");
        Assert.That(moves[0], Is.EqualTo(new FlowMove(0, 1, 1)), "the smallest flow goes first, to the most idle port");
        Assert.That(moves, Has.None.Matches<FlowMove>(m => m.FlowHash == 4), "the 0.5 flow would leave its target above the source: it stays");
    }

    [Test]
    public void Dsw_local_moves_the_flow_closest_to_half_the_gap_and_stops_below_the_threshold()
    {
        // Source 1.0 (flows 0.0625, 0.125, 0.3125, 0.5); ports 1, 2, 3 at 0.3, 0.6, 0.8. Gap to port 1 is 0.7: the
        // 0.3125 flow lowers it by 0.625, the 0.5 flow by only 0.4, the small ones by 0.125 and 0.25. Afterwards the
        // projected source is 0.6875, below MinSourceLoad 0.70: one move.
        FlowSample[] flows = [new(0, 1, 8), new(0, 2, 16), new(0, 3, 40), new(0, 4, 64)];
        var moves = Decide(new DswMigrationPolicy(), 0, [1.0, 0.3, 0.6, 0.8], flows, FourPorts);
        Assert.That(moves, Is.EqualTo(new[] { new FlowMove(0, 3, 1) }),
            "the flow nearest half the gap goes, whole, to the port that leaves the largest gap");
    }

    [Test]
    public void Dsw_local_breaks_a_tie_in_gap_reduction_towards_the_more_idle_target()
    {
        // Flow 1 is 0.125 (16 of 128 events at load 1.0); it lowers the gap to port 1 (0.25) and to port 2 (0.4) by
        // 0.25 each. Port 2 stays more idle (0.725 against 0.875). Flow 2 (0.875) fits nowhere; port 3 is full.
        FlowSample[] flows = [new(0, 1, 16), new(0, 2, 112)];
        var moves = Decide(new DswMigrationPolicy(), 0, [1.0, 0.75, 0.6, 0.99], flows, FourPorts);
        Assert.That(moves, Is.EqualTo(new[] { new FlowMove(0, 1, 2) }), "equal gain: the more idle target wins");
    }

    [Test]
    public void Dsw_local_moves_nothing_while_every_gap_is_below_the_minimum_gap()
    {
        FlowSample[] flows = [new(0, 1, 4), new(0, 2, 8), new(0, 3, 116)];
        Assert.That(Decide(new DswMigrationPolicy(), 0, [0.80, 0.74, 0.75, 0.78], flows, FourPorts), Is.Empty,
            "source 0.80, best target 0.74: a gap of 0.06 is below MinLoadGap 0.07");
        Assert.That(Decide(new DswMigrationPolicy(), 0, [0.80, 0.72, 0.75, 0.78], flows, FourPorts), Has.Length.EqualTo(1),
            "a gap of 0.08 lets the flow nearest half of it (0.025) move");
    }

    [Test]
    public void Hierarchical_moves_the_flow_closest_to_half_the_imbalance_and_only_as_much_as_the_push_cutoff()
    {
        // Two ports, mean 0.75: push imbalance +0.25, pull -0.25, so the transfer target is 0.125: the 16-event flow.
        FlowSample[] flows = [new(0, 1, 8), new(0, 2, 16), new(0, 3, 40), new(0, 4, 64)];
        var moves = Decide(new HierarchicalMigrationPolicy(), 0, [1.0, 0.5], flows, 0b11);
        Assert.That(moves, Is.EqualTo(new[] { new FlowMove(0, 2, 1) }), "one move: the 0.125 flow, after which half the imbalance is pushed");
    }

    [Test]
    public void Hierarchical_takes_the_nearest_flow_above_half_the_imbalance_when_it_leaves_less_imbalance()
    {
        // Two ports at 1.2 and 0.6 (demand: the source is overloaded), mean 0.9: imbalances +0.3 and -0.3, transfer
        // 0.15. Nearest below: the 14-event flow (0.13125, closer to 0.15), leaving |0.3 - x| + |0.3 - x| = 0.3375;
        // nearest above: the 20-event flow (0.1875), leaving 0.225. As rusty, the one above goes, and then half the
        // imbalance is pushed.
        FlowSample[] flows = [new(0, 1, 14), new(0, 2, 20), new(0, 3, 94)];
        var moves = Decide(new HierarchicalMigrationPolicy(), 0, [1.2, 0.6], flows, 0b11);
        Assert.That(moves, Is.EqualTo(new[] { new FlowMove(0, 2, 1) }), "the flow above the transfer leaves the smaller imbalance");
    }

    [Test]
    public void Hierarchical_takes_the_nearest_flow_below_when_the_one_above_overshoots_and_nothing_that_adds_imbalance()
    {
        // Same ports; the flow above 0.15 is 1.06875 (114 events): moving it leaves 1.5375 against 0.3375 below.
        FlowSample[] flows = [new(0, 1, 14), new(0, 4, 114)];
        var moves = Decide(new HierarchicalMigrationPolicy(), 0, [1.2, 0.6], flows, 0b11);
        Assert.That(moves, Is.EqualTo(new[] { new FlowMove(0, 1, 1) }), "below wins when above overshoots");
        // Ports at 1.0 and 0.9: imbalances +-0.05; the only flows are 0.5 each, which would leave 0.9 against 0.1.
        FlowSample[] heavy = [new(0, 1, 64), new(0, 2, 64)];
        Assert.That(Decide(new HierarchicalMigrationPolicy(), 0, [1.0, 0.9], heavy, 0b11), Is.Empty, "no candidate lowers the imbalance: nothing moves");
    }

    [Test]
    public void Hierarchical_balances_two_nodes_with_opposite_imbalance_across_the_nodes()
    {
        // Ports 0,1 on node 0 (1.85 in all), ports 2,3 on node 1 (1.15): mean 0.75, node imbalance +-0.35, transfer 0.175.
        BalanceTopology topology = BalanceTopology.Uniform(4, 2, 2);
        FlowSample[] flows = [new(0, 1, 8), new(0, 2, 8), new(0, 3, 24), new(0, 4, 88)];
        var moves = Decide(new HierarchicalMigrationPolicy(), 0, [0.95, 0.90, 0.55, 0.60], flows, FourPorts, topology);
        Assert.That(moves, Is.Not.Empty, "node 0 is overloaded and node 1 underloaded: load crosses");
        Assert.That(moves[0], Is.EqualTo(new FlowMove(0, 3, 2)), "the flow closest to 0.175 (24 of 128 events of 0.95) goes to node 1's least loaded port");
        foreach (FlowMove m in moves)
        {
            Assert.That(topology.NodeOf(m.TargetPort), Is.EqualTo(1), "every move goes to the underloaded node");
        }

        // The mirror image: port 2, on the overloaded node 1, pushes to node 0.
        var mirror = Decide(new HierarchicalMigrationPolicy(), 2, [0.55, 0.60, 0.95, 0.90], flows, FourPorts, topology);
        Assert.That(mirror, Is.Not.Empty.And.All.Matches<FlowMove>(m => topology.NodeOf(m.TargetPort) == 0), "opposite imbalance, opposite direction");
    }

    [Test]
    public void Hierarchical_keeps_a_move_inside_its_node_when_the_nodes_are_balanced_within_their_cost()
    {
        // Node 0 = 1.64, node 1 = 1.54: 0.05 over its share, under the node cost (0.04 x 1.59 = 0.064). Port 3 is the
        // most idle port, but the imbalance is between ports 0 and 1: DSW-local crosses the node, hierarchical does not.
        BalanceTopology topology = BalanceTopology.Uniform(4, 2, 2);
        FlowSample[] flows = [new(0, 1, 8), new(0, 2, 12), new(0, 3, 20), new(0, 4, 88)];
        double[] loads = [0.95, 0.69, 0.88, 0.66];
        var hierarchical = Decide(new HierarchicalMigrationPolicy(), 0, loads, flows, FourPorts, topology);
        Assert.That(hierarchical, Is.Not.Empty.And.All.Matches<FlowMove>(m => m.TargetPort == 1), "within the domain, to port 1");
        var dsw = Decide(new DswMigrationPolicy(), 0, loads, flows, FourPorts, topology);
        Assert.That(dsw[0].TargetPort, Is.EqualTo(3), "DSW-local ignores the topology and takes the most idle port");
    }

    [TestCaseSource(nameof(Both))]
    public void Nothing_moves_when_every_port_is_busy_or_every_port_is_below_the_threshold(IMigrationPolicy policy)
    {
        FlowSample[] flows = [new(0, 1, 8), new(0, 2, 16), new(0, 3, 40), new(0, 4, 64)];
        Assert.That(Decide(policy, 0, [0.99, 0.97, 0.98, 0.96], flows, FourPorts, BalanceTopology.Uniform(4, 2, 2)), Is.Empty,
            "all ports busy: no target has room");
        Assert.That(Decide(policy, 0, [0.65, 0.05, 0.10, 0.0], flows, FourPorts, BalanceTopology.Uniform(4, 2, 2)), Is.Empty,
            "the source is below MinSourceLoad 0.70: however uneven, nothing moves");
    }

    [TestCaseSource(nameof(Both))]
    public void A_flow_that_just_moved_does_not_move_again_within_the_hold_down(IMigrationPolicy policy)
    {
        // Only flow 2 fits; it moved 10 ticks ago and the hold-down is 100.
        FlowSample[] fresh = [new(0, 2, 16), new(0, 4, 112)];
        Assert.That(Decide(policy, 0, [1.0, 0.5], fresh, 0b11, holdDown: 100), Is.Not.Empty, "without the hold-down it moves");
        FlowSample[] held = [new(0, 2, 16, SinceMove: 10), new(0, 4, 112)];
        Assert.That(Decide(policy, 0, [1.0, 0.5], held, 0b11, holdDown: 100), Is.Empty, "a flow moved 10 ticks ago stays for the 100-tick hold-down");
        FlowSample[] later = [new(0, 2, 16, SinceMove: 100), new(0, 4, 112)];
        Assert.That(Decide(policy, 0, [1.0, 0.5], later, 0b11, holdDown: 100), Is.Not.Empty, "after the hold-down it may move again");
    }

    [TestCaseSource(nameof(Both))]
    public void The_move_budget_caps_the_moves_of_a_decision(IMigrationPolicy policy)
    {
        var many = new FlowSample[40];
        for (int i = 0; i < many.Length; i++)
        {
            many[i] = new FlowSample(0, i, 3);
        }

        Assert.That(Decide(policy, 0, [1.0, 0.0, 0.0, 0.0], many, FourPorts).Length, Is.GreaterThan(1), "with budget, several flows move");
        Assert.That(Decide(policy, 0, [1.0, 0.0, 0.0, 0.0], many, FourPorts, budget: 1), Has.Length.EqualTo(1), "a budget of 1 allows one move");
        Assert.That(Decide(policy, 0, [1.0, 0.0, 0.0, 0.0], many, FourPorts, budget: 0), Is.Empty, "no budget, no move");
    }

    [Test]
    public void The_ledger_refuses_a_move_within_the_hold_down_and_beyond_the_cap_per_interval()
    {
        var ledger = new MigrationLedger(queueCount: 1, holdDownTicks: 100, maxMovesPerInterval: 2, intervalTicks: 10, now: 0);
        Assert.That(ledger.SinceMove(0, 5, 0), Is.EqualTo(long.MaxValue), "a flow that never moved");
        Assert.That(ledger.TryRecordMove(0, 5, 1), Is.True, "first move");
        Assert.That(ledger.TryRecordMove(0, 5, 50), Is.False, "49 ticks later: held down");
        Assert.That(ledger.TryRecordMove(0, 6, 2) && !ledger.TryRecordMove(0, 7, 3), Is.True, "the third move in one interval is over the cap of 2");
        Assert.That(ledger.Budget(12), Is.EqualTo(2), "a new interval brings a new budget");
        Assert.That(ledger.TryRecordMove(0, 5, 101), Is.True, "100 ticks after its move the flow may move again");
    }

    [Test]
    public void Topology_and_policy_settings_outside_their_range_are_refused_with_name_value_and_rule()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BalanceTopology([0, 2], [0, 0]));
        Assert.That(e!.Message, Does.Contain("portDomains[1] 2 must be a domain id from 0 to 1"), "the message names the entry, value and rule");
        var f = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new HierarchicalMigrationPolicy { NodeCostRatio = 2 });
        Assert.That(f!.Message, Does.Contain("NodeCostRatio 2 must be from 0 to 1"), "ratio range");
        var g = Assert.Throws<ArgumentException>(() => _ = new EventDevice(new EventDeviceConfig { PortCount = 3, Topology = BalanceTopology.Uniform(4, 2, 2) }));
        Assert.That(g!.Message, Does.Contain("Topology.PortCount 4 must equal PortCount 3"), "the topology places every port");
    }
}
