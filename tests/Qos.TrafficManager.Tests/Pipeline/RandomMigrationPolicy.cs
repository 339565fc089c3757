using System;
using System.Numerics;
using System.Threading;
using Qos.EventCore.Migration;

namespace Qos.TrafficManager.Tests.Pipeline;

/// <summary>Moves one to three random recent flows to random serving ports at every decision, whatever the load
/// (seeded; the ports call it from their own threads, so draws are taken under a lock).</summary>
internal sealed class RandomMigrationPolicy(int seed) : IMigrationPolicy
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    public int SelectMigrations(in MigrationContext context, Span<FlowMove> moves)
    {
        ReadOnlySpan<FlowSample> flows = context.RecentFlows;
        if (flows.Length == 0)
        {
            return 0;
        }

        lock (_gate)
        {
            int count = 0;
            int wanted = Math.Min(moves.Length, _random.Next(1, 4));
            for (int attempt = 0; attempt < 8 && count < wanted; attempt++)
            {
                FlowSample flow = flows[_random.Next(flows.Length)];
                ulong candidates = context.QueueServingPorts[flow.QueueId] & ~(1UL << context.SourcePort);
                int choices = BitOperations.PopCount(candidates);
                if (choices == 0)
                {
                    continue;
                }

                for (int skip = _random.Next(choices); skip > 0; skip--)
                {
                    candidates &= candidates - 1;
                }

                moves[count++] = new FlowMove(flow.QueueId, flow.FlowHash, BitOperations.TrailingZeroCount(candidates));
            }

            return count;
        }
    }
}
