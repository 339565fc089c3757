using System;
using System.Globalization;
using System.IO;
using Qos.Perf.Cli;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Profiles;
using Qos.TrafficManager.Replay;

namespace Qos.Perf.Replay;

/// <summary>
/// <c>replay --profile P.yaml --trace in.csv [--out out.csv] [--json] [--idle-step-ns N]</c>: what would this profile do
/// to this traffic? Replays the trace in virtual time, writes the departures CSV, and prints the summary (as JSON with
/// <c>--json</c>). Errors in the profile or the trace print one line and exit 1; a partial output file is removed.
/// </summary>
public static class ReplayCommand
{
    public static int Run(Arguments args)
    {
        string profilePath = args.Text("profile") ?? throw new UsageException("--profile PROFILE.yaml is required");
        string tracePath = args.Text("trace") ?? throw new UsageException("--trace TRACE.csv is required");
        string? outPath = args.Text("out");
        bool json = args.Flag("json");
        long idleStep = args.Whole("idle-step-ns", new ReplayOptions().IdleStepNanoseconds, 1, 1_000_000_000);
        args.EnsureAllUsed();

        PortConfig config;
        try
        {
            config = ProfileLoader.Load(profilePath);
        }
        catch (ProfileException e)
        {
            Console.Error.WriteLine($"{profilePath}: {e.Message}");
            return 1;
        }

        ReplaySummary summary;
        try
        {
            using var trace = new FileStream(tracePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            using var output = outPath is null ? Stream.Null : new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.None, 1);
            summary = TraceReplay.Run(config, trace, output, new ReplayOptions { IdleStepNanoseconds = idleStep });
        }
        catch (Exception e) when (e is TraceException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(e is TraceException ? $"{tracePath}: {e.Message}" : e.Message);
            if (outPath is not null && e is TraceException)
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
        }

        return 0;
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
