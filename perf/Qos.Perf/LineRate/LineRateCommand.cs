using System;
using System.Globalization;
using System.IO;
using Qos.Perf.Cli;
using Qos.Perf.Profiles;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Profiles;
using Qos.TrafficManager.Replay;

namespace Qos.Perf.LineRate;

/// <summary>
/// <c>linerate</c>: the port scheduler on one core in real time, keeping a NIC model's transmit ring full while a
/// seeded source offers <c>--load</c> × line rate over the profile's pipes, classes and queues, or a capture
/// (<c>--pcap</c>) loops through the profile's classifier at that load; with <c>--rx-thread</c> the source (and the
/// classifier) run on a second thread that feeds the scheduler through a ring.
/// </summary>
public static class LineRateCommand
{
    /// <summary>Packets the ring from the RX thread holds (<c>--rx-thread</c>).</summary>
    private const int RxRing = 1 << 14;

    public static int Run(Arguments args)
    {
        string profile = args.Text("profile") ?? args.Positional(0) ?? throw new UsageException("--profile PATH is required (see profiles/)");
        double seconds = args.Number("seconds", 10, 0.1, 3600);
        double warmup = args.Number("warmup", 1, 0, 600);
        double load = args.Number("load", 1.2, 0.01, 10);
        string? pcap = args.Text("pcap");
        string? frames = args.Text("frames");
        string? mix = args.Text("mix");
        uint seed = (uint)args.Whole("seed", 1, 0, uint.MaxValue);
        int ring = (int)args.Whole("ring", 1024, 64, 1 << 20);
        int wake = (int)args.Whole("wake", ring / 2, 1, ring);
        bool rxThread = args.Flag("rx-thread");
        bool json = args.Flag("json");
        bool quiet = args.Flag("quiet");
        string? plot = args.Text("plot");
        args.EnsureAllUsed();
        if ((ring & (ring - 1)) != 0)
        {
            throw new UsageException($"--ring {ring} must be a power of two");
        }

        if (pcap is not null && (frames is not null || mix is not null))
        {
            throw new UsageException("--pcap gives the frames and their paths: leave out --frames and --mix");
        }

        PortConfig loaded;
        ClassifierOptions? classifierOptions;
        try
        {
            (loaded, classifierOptions) = ProfileInput.Load(profile, pcap is null ? null : "--pcap");
        }
        catch (ProfileException e)
        {
            Console.Error.WriteLine($"{profile}: {e.Message}");
            return 1;
        }

        // Why: the NIC ring bounds how far ahead the scheduler hands out packets; TxLead must not cut in first.
        var config = loaded with { TxLead = (long)ring * (loaded.Mtu + loaded.FrameOverhead) };
        LineRateRun run;
        Classifier? classifier = null;
        if (pcap is null)
        {
            frames ??= "imix";
            var frameMix = FrameMix.Parse(frames, config.Mtu);
            run = new LineRateRun(config, new TrafficSource(config, frameMix, mix ?? "uniform", seed), frameMix.Name, load, ring, wake, rxThread ? RxRing : 0);
        }
        else
        {
            CaptureSource source;
            try
            {
                classifier = Classifier.Create(classifierOptions!, config);
                source = CaptureSource.LoadAsync(pcap, config, classifier).GetAwaiter().GetResult();
            }
            catch (ProfileException e)
            {
                Console.Error.WriteLine($"{profile}: {e.Message}");
                return 1;
            }
            catch (Exception e) when (e is PcapException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine(e is PcapException ? $"{pcap}: {e.Message}" : e.Message);
                return 1;
            }

            frames = string.Create(CultureInfo.InvariantCulture, $"capture {Path.GetFileName(pcap)} ({source.FrameCount} frames, mean {source.MeanLength:F0} B)");
            run = new LineRateRun(config, source, frames, load, ring, wake, rxThread ? RxRing : 0);
        }

        bool stop = false;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop = true;
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            run.Execute(warmup, seconds, () => stop, quiet ? null : Console.Out);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            run.Dispose();
        }

        run.Report.Classifier = classifier?.ReadStats();
        Console.WriteLine(json ? run.Report.ToJson(profile) : run.Report.ToTable(profile));
        if (plot is not null)
        {
            LineRatePlot.Save(run.Report, $"{System.IO.Path.GetFileName(profile)}, {frames} frames, load {load:F2}", plot);
            Console.Error.WriteLine($"plot written to {plot}");
        }

        return 0;
    }
}
