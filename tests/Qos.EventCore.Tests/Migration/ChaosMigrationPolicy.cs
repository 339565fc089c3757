using System;
using System.Numerics;
using System.Threading;
using Qos.EventCore.Migration;

namespace Qos.EventCore.Tests.Migration;

/// <summary>A test policy that ignores load: each time it moves one to three random recent flows to random serving
/// ports. Seeded, so that a failure can name its seed; the ports call it from their own threads, so draws are taken
/// under a lock (the sequence a port sees still depends on how the threads interleave).</summary>
internal sealed class ChaosMigrationPolicy : IMigrationPolicy
{
    private readonly Random _random;
    private readonly Lock _gate = new();

    public ChaosMigrationPolicy(int seed)
    {
        Seed = seed;
        _random = new Random(seed);
    }

    public int Seed { get; }

    public int SelectMigrations(in MigrationContext context, Span<FlowMove> moves)
    {
        ReadOnlySpan<FlowSample> flows = context.RecentFlows;
        if (flows.Length == 0)
        {
            return 0;
        }

        int count = 0;
        int wanted = Math.Min(moves.Length, Next(1, 4));
        for (int attempt = 0; attempt < 8 && count < wanted; attempt++)
        {
            FlowSample flow = flows[Next(flows.Length)];
            ulong candidates = context.QueueServingPorts[flow.QueueId] & ~(1UL << context.SourcePort);
            int choices = BitOperations.PopCount(candidates);
            if (choices == 0)
            {
                continue;
            }

            for (int skip = Next(choices); skip > 0; skip--)
            {
                candidates &= candidates - 1;
            }

            moves[count++] = new FlowMove(flow.QueueId, flow.FlowHash, BitOperations.TrailingZeroCount(candidates));
        }

        return count;
    }

    private int Next(int min, int max)
    {
        lock (_gate)
        {
            return _random.Next(min, max);
        }
    }

    private int Next(int max) => Next(0, max);
}
