using System;
using System.Diagnostics;
using System.Globalization;
using Qos.Perf.Cli;
using Qos.Shaping.Clock;
using Qos.TrafficManager;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;

namespace Qos.Perf.Sched;

/// <summary>
/// <c>sched</c>: the CPU-bound scheduler loop of <c>../shared/peers/rte_sched_bench.c</c> ("max" mode): one subport,
/// N pipes, queues of 64, 60-byte packets, rates high enough that only the CPU limits; bursts of 64 are dequeued,
/// given new destinations from the same xorshift stream and enqueued again.
/// </summary>
public static class SchedCommand
{
    private const int Burst = 64;
    private const long PortRate = 125_000_000_000; // 1 Tbit/s: never the limit
    private const int DestinationCount = 1 << 20;

    public static int Run(Arguments args)
    {
        int pipes = (int)args.Whole("pipes", 4096, 1, 65536);
        int inflight = (int)args.Whole("inflight", 32768, 1, 1 << 24);
        double seconds = args.Number("seconds", 5, 0.01, 3600);
        bool json = args.Flag("json");

        // Why: a fixed amount of work (warm-up and timed loop of this many rounds of 256 bursts each) makes
        // instruction counts under callgrind repeatable; the time-based loop is for throughput.
        int rounds = (int)args.Whole("rounds", 0, 0, 1 << 20);
        args.EnsureAllUsed();

        var rates = new long[13];
        Array.Fill(rates, PortRate);
        var queueSizes = new int[13];
        Array.Fill(queueSizes, 64);
        var config = new PortConfig
        {
            Rate = PortRate,
            Mtu = 1522,
            SubportProfiles = [new SubportProfileConfig { Name = "max", Rate = PortRate, BucketSize = 1_000_000, ClassRates = rates, ClassPeriodMilliseconds = 10 }],
            PipeProfiles = [new PipeProfileConfig { Name = "max", Rate = PortRate, BucketSize = 1_000_000, ClassRates = rates, ClassPeriodMilliseconds = 40 }],
            Subports = [new SubportConfig { Profile = 0, QueueSizes = queueSizes, Pipes = [new PipeGroup(pipes, 0)] }],
        };
        if ((long)pipes * 16 * 64 < inflight)
        {
            throw new UsageException($"--inflight {inflight} does not fit in {pipes} pipes × 16 queues × 64 packets");
        }

        using var scheduler = new PortScheduler(config, new StopwatchByteClock(PortRate));

        // The same destination stream shape as the DPDK peer: xorshift64, uniform over pipes × 16 queues.
        var destinations = new uint[DestinationCount];
        ulong x = 0x9E3779B97F4A7C15UL;
        for (int i = 0; i < DestinationCount; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            destinations[i] = (uint)(x % ((ulong)pipes * 16));
        }

        uint next = 0;
        var burst = new Packet[Burst];
        ulong handle = 0;
        while (scheduler.QueuedPackets < inflight)
        {
            int n = (int)Math.Min(Burst, inflight - scheduler.QueuedPackets);
            for (int i = 0; i < n; i++)
            {
                burst[i] = Fresh(handle++, destinations[next++ & (DestinationCount - 1)]);
            }

            scheduler.Enqueue(burst.AsSpan(0, n));
        }

        // Warm-up, then the timed loop.
        long dropped = 0, total = 0;
        Loop(scheduler, burst, destinations, ref next, ref handle, inflight, Stopwatch.Frequency / 2, rounds, ref dropped, ref total);
        dropped = 0;
        total = 0;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        Loop(scheduler, burst, destinations, ref next, ref handle, inflight, (long)(seconds * Stopwatch.Frequency), rounds, ref dropped, ref total);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        double mpps = total / elapsed / 1e6;
        double nsPerPacket = elapsed * 1e9 / total;
        if (json)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"command\":\"sched\",\"pipes\":{pipes},\"inflight\":{inflight},\"seconds\":{elapsed:F3},\"dequeued\":{total},\"dropped\":{dropped},\"mpps\":{mpps:F3},\"ns_per_pkt\":{nsPerPacket:F2},\"allocated_bytes\":{allocated}}}"));
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sched: {pipes} pipes, {inflight} in flight, {elapsed:F2} s: {mpps:F3} Mpps ({nsPerPacket:F2} ns/packet), {total} dequeued, {dropped} dropped, {allocated} bytes allocated"));
        }

        return 0;
    }

    private static Packet Fresh(ulong handle, uint destination)
    {
        int q = (int)(destination & 15);
        int tc = q < 12 ? q : 12;
        return Packet.Create(handle, 60, 0, (int)(destination >> 4), tc, q < 12 ? 0 : q - 12);
    }

    private static void Loop(PortScheduler scheduler, Packet[] burst, uint[] destinations, ref uint next, ref ulong handle, int inflight, long ticks, int rounds, ref long dropped, ref long total)
    {
        long end = Stopwatch.GetTimestamp() + ticks;
        int round = 0;
        Span<Packet> packets = burst;
        do
        {
            for (int k = 0; k < 256; k++)
            {
                int n = scheduler.Dequeue(packets);
                for (int i = 0; i < n; i++)
                {
                    uint d = destinations[next++ & (DestinationCount - 1)];
                    int q = (int)(d & 15);
                    packets[i] = packets[i].WithPath(0, (int)(d >> 4), q < 12 ? q : 12, q < 12 ? 0 : q - 12);
                }

                int accepted = scheduler.Enqueue(packets[..n]);
                dropped += n - accepted;
                total += n;

                // Keep the in-flight count: a dropped packet is replaced by a fresh one, as the peer does.
                while (scheduler.QueuedPackets < inflight)
                {
                    packets[0] = Fresh(handle++, destinations[next++ & (DestinationCount - 1)]);
                    scheduler.Enqueue(packets[..1]);
                }
            }
        }
        while (rounds > 0 ? ++round < rounds : Stopwatch.GetTimestamp() < end);
    }
}
