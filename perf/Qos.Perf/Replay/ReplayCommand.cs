using System;
using System.Globalization;
using System.IO;
using Qos.Perf.Cli;
using Qos.Perf.Profiles;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Profiles;
using Qos.TrafficManager.Replay;

namespace Qos.Perf.Replay;

/// <summary>
/// <c>replay --profile P.yaml (--trace in.csv | --pcap in.pcap) [--out FILE] [--json] [--idle-step-ns N]</c>: what would
/// this profile do to this traffic? Replays a CSV trace, or a capture classified by the profile's <c>classifier:</c>
/// section, in virtual time; writes the departures (CSV for a trace, a nanosecond pcap of the transmitted frames for a
/// capture) and prints the summary (as JSON with <c>--json</c>). Errors in the profile or the input print one line and
/// exit 1; a partial output file is removed.
/// </summary>
public static class ReplayCommand
{
    public static int Run(Arguments args)
    {
        string profilePath = args.Text("profile") ?? throw new UsageException("--profile PROFILE.yaml is required");
        string? tracePath = args.Text("trace");
        string? pcapPath = args.Text("pcap");
        string? outPath = args.Text("out");
        bool json = args.Flag("json");
        long idleStep = args.Whole("idle-step-ns", new ReplayOptions().IdleStepNanoseconds, 1, 1_000_000_000);
        args.EnsureAllUsed();
        if ((tracePath is null) == (pcapPath is null))
        {
            throw new UsageException("give one input: --trace TRACE.csv or --pcap CAPTURE.pcap");
        }

        PortConfig config;
        Classifier? classifier = null;
        try
        {
            (config, var classifierOptions) = ProfileInput.Load(profilePath, pcapPath is null ? null : "--pcap");
            if (pcapPath is not null)
            {
                classifier = Classifier.Create(classifierOptions!, config);
            }
        }
        catch (ProfileException e)
        {
            Console.Error.WriteLine($"{profilePath}: {e.Message}");
            return 1;
        }

        string inputPath = tracePath ?? pcapPath!;
        ReplaySummary summary;
        try
        {
            using var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            using var output = outPath is null ? Stream.Null : new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.None, 1);
            var replay = new ReplayOptions { IdleStepNanoseconds = idleStep };
            summary = classifier is null
                ? TraceReplay.Run(config, input, output, replay)
                : PcapReplay.RunAsync(config, classifier, input, output, replay).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is TraceException or PcapException or IOException or UnauthorizedAccessException)
        {
            bool inputError = e is TraceException or PcapException;
            Console.Error.WriteLine(inputError ? $"{inputPath}: {e.Message}" : e.Message);
            if (outPath is not null && inputError)
            {
                File.Delete(outPath);
            }

            return 1;
        }

        if (json)
        {
            using var stdout = Console.OpenStandardOutput();
            summary.WriteJson(stdout);
        }
        else
        {
            Print(summary);
            if (summary.Classifier is { } stats)
            {
                Print(stats);
            }
        }

        return 0;
    }

    private static void Print(ClassifierStats stats)
    {
        var c = CultureInfo.InvariantCulture;
        var o = stats.Offload;
        Console.WriteLine(string.Create(c, $"classifier: {stats.Frames} frames, {stats.Malformed} malformed (default path), {stats.NonIp} not IP, {stats.SlowPath} on the slow path ({stats.RuleHits} by rules)"));
        Console.WriteLine(o.Capacity == 0
            ? "  offload table: off"
            : string.Create(c, $"  offload table: {o.Offloaded} of {o.Capacity} flows, {o.Pending} pending, hit rate {o.HitRate:P1}, {o.Swaps} swaps, {o.Promotions} promotions, out of resources: {(o.OutOfResources ? "yes" : "no")}"));
    }

    private static void Print(ReplaySummary summary)
    {
        var c = CultureInfo.InvariantCulture;
        var t = summary.Total;
        Console.WriteLine(string.Create(c, $"virtual duration: {summary.DurationNanoseconds / 1e9:0.######} s"));
        Console.WriteLine(string.Create(c, $"offered {t.Offered.Packets} packets ({t.Offered.Bytes} B), sent {t.Sent.Packets} ({t.Sent.Bytes} B), dropped {t.Dropped.Total.Packets}: queue full {t.Dropped.QueueFull.Packets}, RED {t.Dropped.Red.Packets}, PIE {t.Dropped.Pie.Packets}"));
        foreach (var subport in summary.Subports)
        {
            for (int tc = 0; tc < subport.Classes.Count; tc++)
            {
                var k = subport.Classes[tc];
                if (k.Offered.Packets != 0)
                {
                    Console.WriteLine(string.Create(c, $"  subport {subport.Subport} tc {tc,2}: offered {k.Offered.Packets}, sent {k.Sent.Packets}, dropped {k.Dropped.Total.Packets} (queue full {k.Dropped.QueueFull.Packets}, RED {k.Dropped.Red.Packets}, PIE {k.Dropped.Pie.Packets})"));
                }
            }
        }
    }
}
