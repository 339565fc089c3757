using System;
using System.Collections.Generic;
using Qos.Perf.Cli;
using Qos.Shaping.Randomness;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;

namespace Qos.Perf.LineRate;

/// <summary>
/// Generates packets for the port's pipes from a seeded stream: pipes uniformly (<c>uniform</c>) or half of the
/// packets to the heaviest 1% of pipes (<c>heavy</c>), then a queue uniformly among the pipe's enabled classes' queues.
/// </summary>
public sealed class TrafficSource : IPacketSource
{
    private readonly int[] _pipeSubport;
    private readonly int[] _pipeIndex;
    private readonly int[][] _queues;
    private readonly FrameMix _frames;
    private readonly bool _heavy;
    private readonly int _heavyPipes;
    private Xorshift32 _random;

    public TrafficSource(PortConfig config, FrameMix frames, string mix, uint seed)
    {
        if (mix is not ("uniform" or "heavy"))
        {
            throw new UsageException($"--mix '{mix}' must be uniform or heavy");
        }

        var subports = new List<int>();
        var indices = new List<int>();
        _queues = new int[config.Subports.Count][];
        for (int s = 0; s < config.Subports.Count; s++)
        {
            var queues = new List<int>();
            for (int q = 0; q < TrafficClass.QueuesPerPipe; q++)
            {
                if (config.Subports[s].QueueSizes[TrafficClass.OfQueue(q)] > 0)
                {
                    queues.Add(q);
                }
            }

            _queues[s] = queues.ToArray();
            int pipe = 0;
            foreach (var group in config.Subports[s].Pipes)
            {
                for (int i = 0; i < group.Count; i++, pipe++)
                {
                    subports.Add(s);
                    indices.Add(pipe);
                }
            }
        }

        _pipeSubport = subports.ToArray();
        _pipeIndex = indices.ToArray();
        _frames = frames;
        _heavy = mix == "heavy";
        _heavyPipes = Math.Max(1, _pipeIndex.Length / 100);
        _random = new Xorshift32(seed);
        Mix = mix;
    }

    public string Mix { get; }

    public int PipeCount => _pipeIndex.Length;

    public Packet Next(long now)
    {
        bool toHeavy = _heavy && (_random.Next() & 1) == 0;
        int global = (int)_random.Below(toHeavy ? (uint)_heavyPipes : (uint)_pipeIndex.Length);
        int s = _pipeSubport[global];
        int[] queues = _queues[s];
        int q = queues[_random.Below((uint)queues.Length)];
        int length = _frames.Next(ref _random);
        int tc = TrafficClass.OfQueue(q);
        return Packet.Create((ulong)now, length, s, _pipeIndex[global], tc, tc == TrafficClass.BestEffort ? q - TrafficClass.BestEffort : 0);
    }
}
