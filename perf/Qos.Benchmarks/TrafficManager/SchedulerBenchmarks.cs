using System;
using BenchmarkDotNet.Attributes;
using Qos.Shaping.Clock;
using Qos.TrafficManager;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;

namespace Qos.Benchmarks.TrafficManager;

/// <summary>
/// The port scheduler's bursts at 64, 1024 and 4096 pipes, on the CPU-bound workload of <c>qos-perf sched</c>:
/// rates that never limit, 60-byte packets, uniform random destinations, bursts of 64. Per-packet cost.
/// Dequeue is measured inside the round trip: a dequeue-only benchmark would need a refill per invocation,
/// which BenchmarkDotNet can only exclude by timing single invocations (too coarse for a 64-packet burst).
/// </summary>
[MemoryDiagnoser]
public class SchedulerBenchmarks
{
    private const int Burst = 64;
    private const long PortRate = 125_000_000_000;
    private PortScheduler _scheduler = null!;
    private VirtualByteClock _clock = null!;
    private readonly Packet[] _burst = new Packet[Burst];
    private uint[] _destinations = [];
    private uint _next;

    [Params(64, 1024, 4096)]
    public int Pipes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rates = new long[13];
        Array.Fill(rates, PortRate);
        var sizes = new int[13];
        Array.Fill(sizes, 64);
        var config = new PortConfig
        {
            Rate = PortRate,
            TxLead = long.MaxValue / 4,
            SubportProfiles = [new SubportProfileConfig { Rate = PortRate, BucketSize = 1_000_000, ClassRates = rates }],
            PipeProfiles = [new PipeProfileConfig { Rate = PortRate, BucketSize = 1_000_000, ClassRates = rates }],
            Subports = [new SubportConfig { QueueSizes = sizes, Pipes = [new PipeGroup(Pipes, 0)] }],
        };
        _clock = new VirtualByteClock(PortRate);
        _scheduler = new PortScheduler(config, _clock);
        _destinations = new uint[1 << 16];
        ulong x = 0x9E3779B97F4A7C15UL;
        for (int i = 0; i < _destinations.Length; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            _destinations[i] = (uint)(x % ((ulong)Pipes * 16));
        }

        // Half full: 8 packets per pipe on average.
        while (_scheduler.QueuedPackets < Pipes * 8L)
        {
            Fill(Burst);
            _scheduler.Enqueue(_burst);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _scheduler.Dispose();

    /// <summary>A burst of 64 dequeued, given new destinations and enqueued again (the backlog stays put).</summary>
    [Benchmark(OperationsPerInvoke = Burst)]
    public int RoundTrip()
    {
        _clock.Advance(Burst * 84);
        int n = _scheduler.Dequeue(_burst);
        Fill(n);
        return _scheduler.Enqueue(_burst.AsSpan(0, n));
    }

    /// <summary>Enqueue of a 64-packet burst; the same number is dequeued again so the backlog stays put (both measured).</summary>
    [Benchmark(OperationsPerInvoke = Burst)]
    public int EnqueueBurst()
    {
        Fill(Burst);
        int accepted = _scheduler.Enqueue(_burst);
        _clock.Advance(Burst * 84);
        _scheduler.Dequeue(_burst.AsSpan(0, accepted));
        return accepted;
    }

    private void Fill(int n)
    {
        for (int i = 0; i < n; i++)
        {
            uint d = _destinations[_next++ & (_destinations.Length - 1)];
            int q = (int)(d & 15);
            _burst[i] = Packet.Create(_next, 60, 0, (int)(d >> 4), q < 12 ? q : 12, q < 12 ? 0 : q - 12);
        }
    }
}
