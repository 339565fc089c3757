using System;
using System.Numerics;
using Qos.EventCore.Migration;

namespace Qos.EventCore.Tests.Migration;

/// <summary>A test policy that ignores load: each time it moves one to three random recent flows to random serving ports.</summary>
internal sealed class ChaosMigrationPolicy : IMigrationPolicy
{
    public int SelectMigrations(in MigrationContext context, Span<FlowMove> moves)
    {
        ReadOnlySpan<FlowSample> flows = context.RecentFlows;
        if (flows.Length == 0)
        {
            return 0;
        }

        int count = 0;
        int wanted = Math.Min(moves.Length, Random.Shared.Next(1, 4));
        for (int attempt = 0; attempt < 8 && count < wanted; attempt++)
        {
            FlowSample flow = flows[Random.Shared.Next(flows.Length)];
            ulong candidates = context.QueueServingPorts[flow.QueueId] & ~(1UL << context.SourcePort);
            int choices = BitOperations.PopCount(candidates);
            if (choices == 0)
            {
                continue;
            }

            for (int skip = Random.Shared.Next(choices); skip > 0; skip--)
            {
                candidates &= candidates - 1;
            }

            moves[count++] = new FlowMove(flow.QueueId, flow.FlowHash, BitOperations.TrailingZeroCount(candidates));
        }

        return count;
    }
}
