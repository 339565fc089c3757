using System;
using System.Numerics;

namespace Qos.EventCore.Migration;

/// <summary>
/// The default policy, DSW-local after DPDK's DSW: each port decides for itself from its own recent events. A port
/// loaded at least <see cref="MinSourceLoad"/> moves up to <see cref="MaxFlowsPerMigration"/> flows, one at a time,
/// each time taking the (flow, target) pair that lowers the source-target load gap most — the flow closest to half
/// the gap — and, among equal ones, the pair that leaves the target most idle (small flows and idle targets first);
/// only pairs where the target serves the flow's queue, the target plus the flow stays below
/// <see cref="MaxTargetLoad"/> and below the source, and the source is at least <see cref="MinLoadGap"/> above the
/// target. <see cref="PreferMostIdleTarget"/> restores DPDK's own choice (most idle target after the move only),
/// which sheds an overload as many small flows, one migration interval after another. A flow's load is the source's
/// load times its share of the recent events. Loads include what other ports have already promised to a target,
/// and each move is added to the projection before the next one, so ports do not all pile onto the same target. It
/// never moves every flow it saw, never a flow within the hold-down time, and never more than the device's move
/// budget.
/// </summary>
public sealed class DswMigrationPolicy : IMigrationPolicy
{
    private const int MaxSample = RecentFlows.Capacity;
    private const double GainTolerance = 1e-9;

    private readonly double _minSourceLoad = 0.70;
    private readonly double _maxTargetLoad = 0.95;
    private readonly double _minLoadGap = 0.07;
    private readonly int _maxFlowsPerMigration = 8;
    private readonly bool _preferMostIdle;

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

    /// <summary>The source must be at least this much (0 to 1) more loaded than a target. Default 0.07.</summary>
    public double MinLoadGap
    {
        get => _minLoadGap;
        init => _minLoadGap = value is >= 0 and <= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(MinLoadGap), value, $"MinLoadGap {value} must be from 0 to 1");
    }

    /// <summary>Most flows moved in one migration (1 to 16). Default 8.</summary>
    public int MaxFlowsPerMigration
    {
        get => _maxFlowsPerMigration;
        init => _maxFlowsPerMigration = value is >= 1 and <= Emigration.MaxFlows ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxFlowsPerMigration), value, $"MaxFlowsPerMigration {value} must be from 1 to {Emigration.MaxFlows}");
    }

    /// <summary>
    /// <c>false</c> (default): take the pair that lowers the source-target gap most, the most idle target breaking
    /// ties. <c>true</c>: DPDK's weighting, the pair that leaves the target most idle, whatever the gap.
    /// </summary>
    public bool PreferMostIdleTarget
    {
        get => _preferMostIdle;
        init => _preferMostIdle = value;
    }

    /// <inheritdoc/>
    public int SelectMigrations(in MigrationContext context, Span<FlowMove> moves)
    {
        int source = context.SourcePort;
        ReadOnlySpan<double> loads = context.PortLoads;
        ReadOnlySpan<FlowSample> flows = context.RecentFlows;
        if (loads[source] < _minSourceLoad || flows.Length < 2 || context.SampleSize <= 0 || loads.Length > EventDeviceConfig.MaxPorts
            || flows.Length > MaxSample)
        {
            return 0;
        }

        Span<double> projected = stackalloc double[EventDeviceConfig.MaxPorts];
        loads.CopyTo(projected);
        Span<bool> chosen = stackalloc bool[MaxSample];
        chosen.Clear();
        double perEvent = loads[source] / context.SampleSize;
        int limit = Math.Min(Math.Min(moves.Length, _maxFlowsPerMigration), context.MoveBudget);
        int count = 0;
        // Why: keep at least one seen flow; moving them all just moves the hot spot.
        while (count < limit && count < flows.Length - 1 && projected[source] >= _minSourceLoad)
        {
            int bestFlow = -1, bestTarget = -1;
            double bestGain = double.NegativeInfinity, bestAfter = double.PositiveInfinity;
            for (int i = 0; i < flows.Length; i++)
            {
                if (chosen[i] || !context.MayMove(in flows[i]) || (uint)flows[i].QueueId >= (uint)context.QueueServingPorts.Length)
                {
                    continue;
                }

                double load = flows[i].Count * perEvent;
                ulong candidates = context.QueueServingPorts[flows[i].QueueId] & ~(1UL << source);
                while (candidates != 0)
                {
                    int t = BitOperations.TrailingZeroCount(candidates);
                    candidates &= candidates - 1;
                    if (t >= loads.Length)
                    {
                        break;
                    }

                    double after = projected[t] + load;
                    if (after >= _maxTargetLoad || projected[source] - projected[t] < _minLoadGap || after >= projected[source])
                    {
                        continue;
                    }

                    // Why: the gap shrinks by 2 x min(flow, gap - flow), most for a flow of half the gap; a
                    // shift's new heavy flow then moves whole to a port that just lost one, instead of as dozens
                    // of small flows. Why ties to the more idle target (DSW): small flows to idle ports first.
                    double gap = projected[source] - projected[t];
                    double gain = _preferMostIdle ? 0 : gap - Math.Abs(gap - (2 * load));
                    if (gain > bestGain + GainTolerance || (gain >= bestGain - GainTolerance && after < bestAfter))
                    {
                        bestGain = gain;
                        bestAfter = after;
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
