using System;

namespace Qos.EventCore.Migration;

/// <summary>
/// The default policy, after DPDK's DSW: a port loaded above <see cref="MinSourceLoad"/> moves flows seen in its
/// recent events to less loaded ports that serve their queue, one flow at a time, each time choosing the move
/// (flow and target) that most lowers the load difference between source and target, never pushing a target
/// above <see cref="MaxTargetLoad"/>, and never moving every flow it saw. A flow's load is estimated as the
/// source's load times its share of the recent events.
/// </summary>
public sealed class DswMigrationPolicy : IMigrationPolicy
{
    private readonly double _minSourceLoad = 0.70;
    private readonly double _maxTargetLoad = 0.95;
    private readonly int _maxFlowsPerMigration = 8;

    /// <summary>Below this load (0 to 1) a port moves nothing away. Default 0.70.</summary>
    public double MinSourceLoad
    {
        get => _minSourceLoad;
        init => _minSourceLoad = value is >= 0 and <= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(MinSourceLoad), value, $"MinSourceLoad {value} must be from 0 to 1");
    }

    /// <summary>A target's projected load must stay below this (0 to 1). Default 0.95.</summary>
    public double MaxTargetLoad
    {
        get => _maxTargetLoad;
        init => _maxTargetLoad = value is >= 0 and <= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxTargetLoad), value, $"MaxTargetLoad {value} must be from 0 to 1");
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
        if (loads[source] < _minSourceLoad || flows.Length < 2 || context.SampleSize <= 0 || loads.Length > EventDeviceConfig.MaxPorts)
        {
            return 0;
        }

        Span<double> projected = stackalloc double[EventDeviceConfig.MaxPorts];
        loads.CopyTo(projected);
        Span<bool> chosen = stackalloc bool[flows.Length];
        chosen.Clear();
        double perEvent = loads[source] / Math.Max(context.SampleSize, 1);
        int limit = Math.Min(moves.Length, _maxFlowsPerMigration);
        int count = 0;
        // Why: keep at least one seen flow; moving them all just moves the hot spot.
        while (count < limit && count < flows.Length - 1 && projected[source] >= _minSourceLoad)
        {
            int bestFlow = -1, bestTarget = -1;
            double bestGain = 0;
            for (int i = 0; i < flows.Length; i++)
            {
                if (chosen[i] || (uint)flows[i].QueueId >= (uint)context.QueueServingPorts.Length)
                {
                    continue;
                }

                double load = flows[i].Count * perEvent;
                ulong candidates = context.QueueServingPorts[flows[i].QueueId] & ~(1UL << source);
                while (candidates != 0)
                {
                    int t = System.Numerics.BitOperations.TrailingZeroCount(candidates);
                    candidates &= candidates - 1;
                    if (t >= loads.Length || projected[t] + load >= _maxTargetLoad)
                    {
                        continue;
                    }

                    double before = projected[source] - projected[t];
                    double gain = before - Math.Abs(projected[source] - load - (projected[t] + load));
                    if (gain > bestGain)
                    {
                        bestGain = gain;
                        bestFlow = i;
                        bestTarget = t;
                    }
                }
            }

            if (bestFlow < 0)
            {
                break;
            }

            double moved = flows[bestFlow].Count * perEvent;
            projected[source] -= moved;
            projected[bestTarget] += moved;
            chosen[bestFlow] = true;
            moves[count++] = new FlowMove(flows[bestFlow].QueueId, flows[bestFlow].FlowHash, bestTarget);
        }

        return count;
    }
}
