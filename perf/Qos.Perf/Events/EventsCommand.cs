using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;
using Qos.EventCore;
using Qos.EventCore.Migration;
using Qos.EventCore.Stats;
using Qos.Perf.Cli;

namespace Qos.Perf.Events;

/// <summary>
/// <c>events</c>: the shape of <c>../shared/peers/run.sh events FLOWS BURST</c> (dpdk-test-eventdev perf_queue on
/// event_dsw): producer threads enqueue new events on FLOWS atomic flows of one queue in bursts, worker threads
/// dequeue in bursts and release. Reports the released-event rate per second of the timed loop (median, best,
/// mean), the bytes allocated during it, and migration latency when flows moved (<c>--skew</c> makes worker 0
/// slower per event, so that with <c>--workers 2</c> or more the default policy moves flows off it).
/// </summary>
public static class EventsCommand
{
    private const int CounterStride = 16; // 128 bytes between the workers' counters

    public static int Run(Arguments args)
    {
        int producers = (int)args.Whole("producers", 1, 1, 16);
        int workers = (int)args.Whole("workers", 1, 1, 32);
        int flows = (int)args.Whole("flows", 1024, 1, 1 << 24);
        int burst = (int)args.Whole("burst", 32, 1, 256);
        double seconds = args.Number("seconds", 5, 1, 3600);
        double warmup = args.Number("warmup", 1, 0, 60);
        int skew = (int)args.Whole("skew", 0, 0, 1_000_000);
        int maxInflight = (int)args.Whole("max-inflight", 4096, 64, 1 << 20);
        bool json = args.Flag("json");
        args.EnsureAllUsed();
        if (producers + workers > EventDeviceConfig.MaxPorts)
        {
            throw new UsageException($"--producers {producers} + --workers {workers} must be at most {EventDeviceConfig.MaxPorts} ports");
        }

        using var device = new EventDevice(new EventDeviceConfig
        {
            PortCount = producers + workers,
            Queues = [new QueueConfig(ScheduleType.Atomic)],
            MaxInflight = maxInflight,
            MigrationPolicy = new DswMigrationPolicy(),
        });
        for (int w = 0; w < workers; w++)
        {
            device.Link(producers + w, 0);
        }

        device.Start();
        var released = new long[(workers + 1) * CounterStride];
        var stop = new StopFlag();
        var threads = new List<Thread>();
        for (int p = 0; p < producers; p++)
        {
            EventPort port = device.GetPort(p);
            uint first = (uint)p;
            threads.Add(new Thread(() => Produce(port, flows, burst, first, (uint)producers, stop)) { IsBackground = true, Name = "events producer" });
        }

        for (int w = 0; w < workers; w++)
        {
            EventPort port = device.GetPort(producers + w);
            int slot = (w + 1) * CounterStride;
            int spin = w == 0 ? skew : 0;
            threads.Add(new Thread(() => Work(port, burst, released, slot, spin, stop)) { IsBackground = true, Name = "events worker" });
        }

        foreach (Thread t in threads)
        {
            t.Start();
        }

        Thread.Sleep(TimeSpan.FromSeconds(warmup));

        int sampleCount = (int)Math.Ceiling(seconds);
        var rates = new double[sampleCount];
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        long previousCount = Total(released, workers);
        long previousTime = start;
        long totalEvents = 0;
        for (int s = 0; s < sampleCount; s++)
        {
            long due = start + (long)(Math.Min(s + 1, seconds) * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < due)
            {
                Thread.Sleep(5);
            }

            long now = Stopwatch.GetTimestamp();
            long count = Total(released, workers);
            rates[s] = (count - previousCount) / ((now - previousTime) / (double)Stopwatch.Frequency) / 1e6;
            totalEvents += count - previousCount;
            previousCount = count;
            previousTime = now;
        }

        double elapsed = (previousTime - start) / (double)Stopwatch.Frequency;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        stop.Stop = true;
        foreach (Thread t in threads)
        {
            t.Join();
        }

        EventDeviceStats stats = device.GetStats();
        device.Stop();

        var latencies = new List<double>();
        long migrations = 0, flowsMoved = 0;
        foreach (EventPortStats port in stats.Ports)
        {
            migrations += port.Migrations;
            flowsMoved += port.Emigrations;
            foreach (TimeSpan latency in port.RecentMigrationLatencies)
            {
                latencies.Add(latency.TotalMicroseconds);
            }
        }

        latencies.Sort();
        double[] sorted = (double[])rates.Clone();
        Array.Sort(sorted);
        double median = sorted[(sorted.Length - 1) / 2];
        double best = sorted[^1];
        double mean = totalEvents / elapsed / 1e6;
        double p50 = Percentile(latencies, 0.50), p99 = Percentile(latencies, 0.99);

        if (!json)
        {
            Console.WriteLine($"events: {producers} producer(s), {workers} worker(s), {flows} flows, bursts of {burst}, {elapsed:F1} s timed after {warmup:F1} s warm-up");
            Console.WriteLine("  second  Mevents/s");
            for (int s = 0; s < rates.Length; s++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {s + 1,6}  {rates[s],9:F2}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  median {median:F2}, best {best:F2}, mean {mean:F2} Mevents/s; {allocated} bytes allocated in the timed loop"));
            Console.WriteLine(latencies.Count == 0
                ? "  no migrations"
                : string.Create(CultureInfo.InvariantCulture, $"  {migrations} migrations moved {flowsMoved} flows; latency p50 {p50:F1} µs, p99 {p99:F1} µs"));
        }

        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{{\"command\":\"events\",\"producers\":{producers},\"workers\":{workers},\"flows\":{flows},\"burst\":{burst},\"skew\":{skew},\"seconds\":{elapsed:F3}");
        line.Append(CultureInfo.InvariantCulture, $",\"mevents_per_s\":{median:F3},\"mevents_per_s_median\":{median:F3},\"mevents_per_s_best\":{best:F3},\"mevents_per_s_mean\":{mean:F3}");
        line.Append(",\"per_second\":[");
        for (int s = 0; s < rates.Length; s++)
        {
            line.Append(CultureInfo.InvariantCulture, $"{(s == 0 ? "" : ",")}{rates[s]:F3}");
        }

        line.Append(CultureInfo.InvariantCulture, $"],\"allocated_bytes\":{allocated},\"migrations\":{migrations},\"flows_moved\":{flowsMoved}");
        if (latencies.Count != 0)
        {
            line.Append(CultureInfo.InvariantCulture, $",\"migration_latency_p50_us\":{p50:F1},\"migration_latency_p99_us\":{p99:F1}");
        }

        line.Append('}');
        if (json)
        {
            Console.WriteLine(line.ToString());
        }

        return 0;
    }

    private static void Produce(EventPort port, int flows, int burst, uint first, uint step, StopFlag stop)
    {
        var events = new Event[burst];
        uint flow = first;
        ulong sequence = 0;
        while (!stop.Stop)
        {
            for (int i = 0; i < events.Length; i++)
            {
                events[i] = new Event(flow, 0, EventOperation.New, sequence++);
                flow += step;
                if (flow >= (uint)flows)
                {
                    flow -= (uint)flows;
                }
            }

            var spin = default(SpinWait);
            while (port.Enqueue(events) == 0 && !stop.Stop)
            {
                // Why: refused means the workers are behind; on a machine with fewer cores than threads, let them run.
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    private static void Work(EventPort port, int burst, long[] released, int slot, int spin, StopFlag stop)
    {
        var events = new Event[burst];
        long count = 0;
        while (!stop.Stop)
        {
            int n = port.Dequeue(events);
            if (n == 0)
            {
                continue;
            }

            for (int i = 0; i < n; i++)
            {
                events[i].Operation = EventOperation.Release;
                if (spin != 0)
                {
                    Thread.SpinWait(spin);
                }
            }

            port.Enqueue(events.AsSpan(0, n));
            count += n;
            Volatile.Write(ref released[slot], count);
        }
    }

    private static long Total(long[] released, int workers)
    {
        long total = 0;
        for (int w = 1; w <= workers; w++)
        {
            total += Volatile.Read(ref released[w * CounterStride]);
        }

        return total;
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private sealed class StopFlag
    {
        private volatile bool _stop;

        public bool Stop
        {
            get => _stop;
            set => _stop = value;
        }
    }
}
