using System;
using System.Numerics;
using Qos.EventCore.Migration;

namespace Qos.EventCore.Balancing;

/// <summary>
/// Hierarchical domains, in the style of scx_rusty's load balancer. Ports are grouped into domains and domains into
/// nodes (<see cref="EventDeviceConfig.Topology"/>). Loads are the ports' running averages (the device's load meter
/// with its half-life) plus load already promised by migrations under way. An entity (node, domain or port) needs
/// to push when its load exceeds its fair share (its ports times the mean port load of its scope) by more than a
/// cost ratio of that share; the ratio is largest between nodes, smaller between domains and smallest between the
/// ports of one domain, so that moves stay as local as the imbalance allows.
/// </summary>
/// <remarks>
/// Each port runs the same decision for itself (there is no central balancer in the device), level by level:
/// <list type="number">
/// <item>nodes: if the source's node needs to push and the source is above its node's mean, push towards the least
/// loaded node below the mean, to its least loaded port;</item>
/// <item>domains of the source's node: likewise between domains;</item>
/// <item>ports of the source's domain: likewise between ports.</item>
/// </list>
/// At each level, as rusty's <c>try_find_move_task</c>, the move takes, of the flow nearest at or below
/// <see cref="TransferRatio"/> (half) of the smaller of the two imbalances and the flow nearest at or above it, the
/// one that leaves the smaller sum of the two imbalances, and only when that sum is lower than before; each entity
/// pushes at most <see cref="PushMaxRatio"/> of its imbalance per decision. As in the DSW-local policy, a source below
/// <see cref="MinSourceLoad"/> moves nothing, targets stay below <see cref="MaxTargetLoad"/> and below the source,
/// flows within the hold-down time stay, and the device's move budget caps the moves. Stateless: the ports call it
/// concurrently.
/// </remarks>
public sealed class HierarchicalMigrationPolicy : IMigrationPolicy
{
    private const int MaxSample = RecentFlows.Capacity;
    private const int LevelNode = 0;
    private const int LevelDomain = 1;
    private const int LevelPort = 2;

    private readonly double _minSourceLoad = 0.70;
    private readonly double _maxTargetLoad = 0.95;
    private readonly double _nodeCostRatio = 0.04;
    private readonly double _domainCostRatio = 0.025;
    private readonly double _portCostRatio = 0.02;
    private readonly double _transferRatio = 0.5;
    private readonly double _pushMaxRatio = 0.5;
    private readonly int _maxFlowsPerMigration = 8;

    /// <summary>Below this load (0 to 1) a port moves nothing away. Default 0.70.</summary>
    public double MinSourceLoad
    {
        get => _minSourceLoad;
        init => _minSourceLoad = Ratio(value, nameof(MinSourceLoad));
    }

    /// <summary>A target's projected load must stay below this (0 to 1). Default 0.95.</summary>
    public double MaxTargetLoad
    {
        get => _maxTargetLoad;
        init => _maxTargetLoad = Ratio(value, nameof(MaxTargetLoad));
    }

    /// <summary>A node pushes when its load exceeds its share by more than this ratio of the share (0 to 1). Default 0.04.</summary>
    public double NodeCostRatio
    {
        get => _nodeCostRatio;
        init => _nodeCostRatio = Ratio(value, nameof(NodeCostRatio));
    }

    /// <summary>A domain pushes, within its node, above this ratio of its share (0 to 1). Default 0.025.</summary>
    public double DomainCostRatio
    {
        get => _domainCostRatio;
        init => _domainCostRatio = Ratio(value, nameof(DomainCostRatio));
    }

    /// <summary>A port pushes, within its domain, above this ratio of its share (0 to 1). Default 0.02.</summary>
    public double PortCostRatio
    {
        get => _portCostRatio;
        init => _portCostRatio = Ratio(value, nameof(PortCostRatio));
    }

    /// <summary>The flows nearest this share of the smaller imbalance, at or below it and at or above it, are the
    /// candidates to move (0 to 1). Default 0.5.</summary>
    public double TransferRatio
    {
        get => _transferRatio;
        init => _transferRatio = Ratio(value, nameof(TransferRatio));
    }

    /// <summary>One decision pushes at most this share of the entity's imbalance (0 to 1). Default 0.5.</summary>
    public double PushMaxRatio
    {
        get => _pushMaxRatio;
        init => _pushMaxRatio = Ratio(value, nameof(PushMaxRatio));
    }

    /// <summary>Most flows moved in one migration (1 to 16). Default 8.</summary>
    public int MaxFlowsPerMigration
    {
        get => _maxFlowsPerMigration;
        init => _maxFlowsPerMigration = value is >= 1 and <= Emigration.MaxFlows ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxFlowsPerMigration), value, $"MaxFlowsPerMigration {value} must be from 1 to {Emigration.MaxFlows}");
    }

    /// <inheritdoc/>
    public int SelectMigrations(in MigrationContext context, Span<FlowMove> moves)
    {
        int source = context.SourcePort;
        ReadOnlySpan<double> loads = context.PortLoads;
        ReadOnlySpan<FlowSample> flows = context.RecentFlows;
        if (loads[source] < _minSourceLoad || flows.Length < 2 || flows.Length > MaxSample || context.SampleSize <= 0
            || loads.Length > EventDeviceConfig.MaxPorts)
        {
            return 0;
        }

        ulong eligible = 0;
        foreach (FlowSample flow in flows)
        {
            if ((uint)flow.QueueId < (uint)context.QueueServingPorts.Length)
            {
                eligible |= context.QueueServingPorts[flow.QueueId];
            }
        }

        eligible &= loads.Length == 64 ? ulong.MaxValue : (1UL << loads.Length) - 1;
        var state = new Decision
        {
            Source = source,
            Eligible = eligible,
            PerEvent = loads[source] / context.SampleSize,
            Limit = Math.Min(Math.Min(moves.Length, _maxFlowsPerMigration), Math.Min(context.MoveBudget, flows.Length - 1)),
        };
        Span<double> projected = stackalloc double[EventDeviceConfig.MaxPorts];
        loads.CopyTo(projected);
        Span<bool> chosen = stackalloc bool[MaxSample];
        chosen.Clear();
        BalanceTopology? topology = context.Topology;
        if (topology is not null && topology.NodeCount > 1)
        {
            PushWithin(LevelNode, in context, ref state, projected, chosen, moves);
        }

        if (topology is not null && topology.DomainCount > 1)
        {
            PushWithin(LevelDomain, in context, ref state, projected, chosen, moves);
        }

        PushWithin(LevelPort, in context, ref state, projected, chosen, moves);
        return state.Count;
    }

    private static double Ratio(double value, string name) => value is >= 0 and <= 1 ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{name} {value} must be from 0 to 1");

    /// <summary>The entity (node, domain or port id) of <paramref name="port"/> at <paramref name="level"/>.</summary>
    private static int EntityOf(int level, BalanceTopology? topology, int port) => level switch
    {
        LevelNode => topology?.NodeOf(port) ?? 0,
        LevelDomain => topology?.DomainOf(port) ?? 0,
        _ => port,
    };

    /// <summary>Whether <paramref name="port"/> is in the source's scope at <paramref name="level"/>: everything for
    /// nodes, the source's node for domains, the source's domain for ports.</summary>
    private static bool InScope(int level, BalanceTopology? topology, int port, int source) => level switch
    {
        LevelNode => true,
        LevelDomain => topology is null || topology.NodeOf(port) == topology.NodeOf(source),
        _ => topology is null || topology.DomainOf(port) == topology.DomainOf(source),
    };

    private void PushWithin(int level, in MigrationContext context, ref Decision state, Span<double> projected, Span<bool> chosen, Span<FlowMove> moves)
    {
        BalanceTopology? topology = context.Topology;
        ReadOnlySpan<FlowSample> flows = context.RecentFlows;
        double costRatio = level switch { LevelNode => _nodeCostRatio, LevelDomain => _domainCostRatio, _ => _portCostRatio };
        Span<double> sums = stackalloc double[EventDeviceConfig.MaxPorts];
        Span<int> sizes = stackalloc int[EventDeviceConfig.MaxPorts];
        int source = state.Source;
        int sourceEntity = EntityOf(level, topology, source);
        double pushed = 0;
        double cutoff = double.NaN;
        while (state.Count < state.Limit)
        {
            sums.Clear();
            sizes.Clear();
            double total = 0;
            int ports = 0;
            for (ulong m = state.Eligible; m != 0; m &= m - 1)
            {
                int p = BitOperations.TrailingZeroCount(m);
                if (InScope(level, topology, p, source))
                {
                    int e = EntityOf(level, topology, p);
                    sums[e] += projected[p];
                    sizes[e]++;
                    total += projected[p];
                    ports++;
                }
            }

            if (ports < 2 || sizes[sourceEntity] == 0)
            {
                return;
            }

            double mean = total / ports;
            double pushImbalance = sums[sourceEntity] - (sizes[sourceEntity] * mean);
            if (double.IsNaN(cutoff))
            {
                // Why: the source acts for its entity only if it needs to push and the source carries part of the excess.
                if (pushImbalance <= costRatio * sizes[sourceEntity] * mean || projected[source] < sums[sourceEntity] / sizes[sourceEntity])
                {
                    return;
                }

                cutoff = pushImbalance * _pushMaxRatio;
            }

            if (pushed >= cutoff || pushImbalance <= 0)
            {
                return;
            }

            // Pull entity: the least loaded per port. Why below the mean and not below a full cost ratio: with a few
            // ports per domain, one hot port lifts the mean so much that the others seldom sit a cost ratio below it.
            int pullEntity = -1;
            double pullPerPort = mean;
            for (int e = 0; e < sums.Length; e++)
            {
                if (sizes[e] != 0 && e != sourceEntity && sums[e] / sizes[e] < pullPerPort)
                {
                    pullPerPort = sums[e] / sizes[e];
                    pullEntity = e;
                }
            }

            if (pullEntity < 0)
            {
                return;
            }

            double pullImbalance = sums[pullEntity] - (sizes[pullEntity] * mean);
            double transfer = Math.Min(pushImbalance, -pullImbalance) * _transferRatio;
            // Why (rusty's try_find_move_task): the nearest flow at or below the transfer and the nearest at or
            // above it, whichever leaves the smaller imbalance |push - x| + |pull - x|; the nearest one alone
            // would take a small flow even when the heavy one just above it would end the imbalance.
            Candidate below = Candidate.None, above = Candidate.None;
            for (int i = 0; i < flows.Length; i++)
            {
                if (chosen[i] || !context.MayMove(in flows[i]) || (uint)flows[i].QueueId >= (uint)context.QueueServingPorts.Length)
                {
                    continue;
                }

                double load = flows[i].Count * state.PerEvent;
                bool nearerBelow = load <= transfer && (below.Flow < 0 || load > below.Load);
                bool nearerAbove = load >= transfer && (above.Flow < 0 || load < above.Load);
                if (!nearerBelow && !nearerAbove)
                {
                    continue;
                }

                int target = LeastLoadedPort(level, topology, pullEntity, context.QueueServingPorts[flows[i].QueueId] & state.Eligible & ~(1UL << source), source, projected);
                if (target < 0)
                {
                    continue;
                }

                if (nearerBelow)
                {
                    below = new Candidate(i, target, load);
                }

                if (nearerAbove)
                {
                    above = new Candidate(i, target, load);
                }
            }

            double before = pushImbalance - pullImbalance;
            double belowAfter = below.Flow < 0 ? double.PositiveInfinity : Math.Abs(pushImbalance - below.Load) + Math.Abs(pullImbalance + below.Load);
            double aboveAfter = above.Flow < 0 ? double.PositiveInfinity : Math.Abs(pushImbalance - above.Load) + Math.Abs(pullImbalance + above.Load);
            Candidate best = belowAfter <= aboveAfter ? below : above;
            double after = Math.Min(belowAfter, aboveAfter);
            if (best.Flow < 0)
            {
                return;
            }

            int bestFlow = best.Flow, bestTarget = best.Target;
            double moved = best.Load;
            double targetAfter = projected[bestTarget] + moved;
            if (after >= before || targetAfter >= _maxTargetLoad || targetAfter >= projected[source])
            {
                return;
            }

            projected[source] -= moved;
            projected[bestTarget] = targetAfter;
            pushed += moved;
            chosen[bestFlow] = true;
            moves[state.Count++] = new FlowMove(flows[bestFlow].QueueId, flows[bestFlow].FlowHash, bestTarget);
        }
    }

    private static int LeastLoadedPort(int level, BalanceTopology? topology, int entity, ulong candidates, int source, ReadOnlySpan<double> projected)
    {
        int best = -1;
        for (; candidates != 0; candidates &= candidates - 1)
        {
            int p = BitOperations.TrailingZeroCount(candidates);
            if (InScope(level, topology, p, source) && EntityOf(level, topology, p) == entity && (best < 0 || projected[p] < projected[best]))
            {
                best = p;
            }
        }

        return best;
    }

    /// <summary>A flow that could move (index in the sample), where to, and its estimated load.</summary>
    private readonly record struct Candidate(int Flow, int Target, double Load)
    {
        public static Candidate None => new(-1, -1, 0);
    }

    /// <summary>What one decision has done so far.</summary>
    private struct Decision
    {
        public int Source;
        public ulong Eligible;
        public double PerEvent;
        public int Limit;
        public int Count;
    }
}
