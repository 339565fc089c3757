using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Qos.EventCore;
using Qos.Perf.Cli;
using Qos.Perf.LineRate;
using Qos.Perf.Profiles;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Pipeline;
using Qos.TrafficManager.Profiles;
using Qos.TrafficManager.Replay;

namespace Qos.Perf.Pipeline;

/// <summary>
/// <c>pipeline</c>: the library's egress pipeline in real time: RX (synthetic frames or a looped capture, classified by
/// the profile's classifier) → EventCore workers (no work, or a spin per frame, worker 0 skewed) → one or more egress
/// ports, each a port scheduler feeding a NIC model that drains at line rate (or a null TX queue).
/// </summary>
public static class PipelineCommand
{
    public static int Run(Arguments args)
    {
        string profile = args.Text("profile") ?? args.Positional(0) ?? throw new UsageException("--profile PATH is required (see profiles/)");
        string? pcap = args.Text("pcap");
        string? frames = args.Text("frames");
        int workers = (int)args.Whole("workers", 1, 0, 32);
        int ports = (int)args.Whole("ports", 1, 1, 8);
        long workNs = args.Whole("work-ns", 0, 0, 1_000_000);
        double skew = args.Number("skew", 1, 1, 1000);
        string loadText = args.Text("load") ?? "1.2";
        double seconds = args.Number("seconds", 10, 0.1, 3600);
        double warmup = args.Number("warmup", 1, 0, 600);
        int flows = (int)args.Whole("flows", 65536, 1, 1 << 24);
        uint seed = (uint)args.Whole("seed", 1, 1, uint.MaxValue);
        int ring = (int)args.Whole("ring", 1024, 64, 1 << 20);
        string tx = args.Text("tx") ?? "nic";
        int poolFrames = (int)args.Whole("pool", 1 << 17, 1024, 1 << 24);
        bool json = args.Flag("json");
        args.EnsureAllUsed();
        if (pcap is not null && frames is not null)
        {
            throw new UsageException("--pcap gives the frames: leave out --frames");
        }

        if (tx is not ("nic" or "null"))
        {
            throw new UsageException($"--tx '{tx}' must be nic or null");
        }

        bool max = loadText == "max";
        double load = 0;
        if (!max && (!double.TryParse(loadText, NumberStyles.Float, CultureInfo.InvariantCulture, out load) || !(load >= 0.01 && load <= 10)))
        {
            throw new UsageException($"--load '{loadText}' must be max or a number from 0.01 to 10");
        }

        if ((ring & (ring - 1)) != 0)
        {
            throw new UsageException($"--ring {ring} must be a power of two");
        }

        // A pipeline profile (a ports: list) gives every port its own hierarchy; a single-port profile is used for
        // --ports ports alike.
        PipelineProfile? pipelineProfile = null;
        PortConfig loaded;
        ClassifierOptions? classifierOptions = null;
        try
        {
            if (IsPipelineProfile(profile))
            {
                if (args.WasGiven("ports"))
                {
                    throw new UsageException($"--ports: the pipeline profile {profile} lists its own ports");
                }

                pipelineProfile = PipelineProfileLoader.Load(profile);
                loaded = pipelineProfile.Ports[0].Config;
            }
            else
            {
                (loaded, classifierOptions) = ProfileInput.Load(profile, "pipeline");
            }
        }
        catch (ProfileException e)
        {
            Console.Error.WriteLine($"{profile}: {e.Message}");
            return 1;
        }

        // Why: the NIC ring bounds how far ahead the scheduler hands out packets; TxLead must not cut in first.
        PortConfig WithLead(PortConfig c) => c with { TxLead = (long)ring * (c.Mtu + c.FrameOverhead) };
        var config = WithLead(loaded);
        long totalRate = pipelineProfile is null ? config.Rate * ports : pipelineProfile.Ports.Sum(p => p.Config.Rate);
        long offeredRate = max ? 0 : (long)(load * totalRate);
        IFrameSource source;
        string framesName;
        try
        {
            if (pcap is null)
            {
                var mix = FrameMix.Parse(frames ?? "64", config.Mtu);
                int pipes = Math.Min(4096, config.Subports[0].PipeCount);
                source = new SyntheticFrameSource(new SyntheticFlows(flows, pipes, 0, mix.Sizes, seed), offeredRate, config.FrameOverhead);
                framesName = mix.Name;
            }
            else
            {
                var capture = CapturedFrames.LoadAsync(pcap, config.Mtu).GetAwaiter().GetResult();
                source = new CaptureFrameSource(capture, offeredRate, config.FrameOverhead);
                framesName = string.Create(CultureInfo.InvariantCulture, $"capture {Path.GetFileName(pcap)} ({capture.Count} frames, mean {capture.MeanLength:F0} B)");
            }
        }
        catch (Exception e) when (e is PcapException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(e is PcapException ? $"{pcap}: {e.Message}" : e.Message);
            return 1;
        }

        ITxQueue NewTx(PortConfig c) => tx == "nic" ? new NicTxQueue(ring, c.FrameOverhead) : new NullTxQueue();
        PipelineOptions options;
        if (pipelineProfile is null)
        {
            var portOptions = new List<EgressPortOptions>();
            for (int p = 0; p < ports; p++)
            {
                portOptions.Add(new EgressPortOptions { Config = config, Classifier = Classifier.Create(classifierOptions!, config), Tx = NewTx(config) });
            }

            options = new PipelineOptions
            {
                Ports = portOptions,
                Source = source,
                Workers = workers,
                PoolFrames = poolFrames,
                Device = new EventDeviceConfig { MaxInflight = 4096 },
            };
        }
        else
        {
            options = pipelineProfile.ToOptions(source, (_, c) => NewTx(c));
            options = options with
            {
                Ports = [.. options.Ports.Select(p => p with { Config = WithLead(p.Config) })],
                Workers = args.WasGiven("workers") ? workers : options.Workers,
            };
        }

        using var pipeline = PacketPipeline.Create(options, new SpinWork(workNs, skew));
        TextWriter progress = json ? Console.Error : Console.Out;
        bool stop = false;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop = true;
        };
        Console.CancelKeyPress += onCancel;
        PipelineStats before, after;
        long allocated;
        double elapsed;
        try
        {
            pipeline.Start();
            Sleep(warmup, () => stop);
            before = pipeline.GetStats();
            long allocatedBefore = GC.GetTotalAllocatedBytes(true);
            long mainBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            PipelineStats last = before;
            for (int second = 1; second <= Math.Ceiling(seconds) && !stop; second++)
            {
                Sleep(Math.Min(1, seconds - (second - 1)), () => stop);
                PipelineStats now = pipeline.GetStats();
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{clock.Elapsed.TotalSeconds,5:F1} s  sent {(now.Sent - last.Sent) / 1e6,7:F3} Mpps  offered {(now.Offered - last.Offered) / 1e6,7:F3} M  dropped {(now.Drops.Total - last.Drops.Total) / 1e6,7:F3} M  migrations {now.Migrations - last.Migrations}  p99 {now.LatencyP99Nanoseconds / 1000.0:F1} µs"));
                last = now;
            }

            elapsed = clock.Elapsed.TotalSeconds;
            after = pipeline.GetStats();
            allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore - (GC.GetAllocatedBytesForCurrentThread() - mainBefore);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        PipelineStats final = pipeline.Stop();
        var report = new PipelineReport(profile, framesName, options.Workers, workNs, skew, max ? "max" : loadText, [.. options.Ports.Select(p => p.Config.Rate)], elapsed, before, after, final, allocated);
        Console.WriteLine(json ? report.ToJson() : report.ToTable());
        return 0;
    }

    /// <summary>Whether the YAML file at <paramref name="path"/> is a pipeline profile (it has a top-level <c>ports:</c>).</summary>
    private static bool IsPipelineProfile(string path)
    {
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                if (line.StartsWith("ports:", StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Why: the profile loader reports an unreadable file in its own words.
        }

        return false;
    }

    private static void Sleep(double seconds, Func<bool> stop)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed.TotalSeconds < seconds && !stop())
        {
            Thread.Sleep(Math.Max(1, Math.Min(50, (int)((seconds - until.Elapsed.TotalSeconds) * 1000))));
        }
    }
}
