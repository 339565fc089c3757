using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Qos.Perf.Cli;
using Qos.Shaping.Clock;
using Qos.TrafficManager;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Profiles;

namespace Qos.Perf.Profiles;

/// <summary>
/// <c>validate PROFILE</c> (or <c>--profile PROFILE</c>): loads a YAML profile and prints a readable summary of the hierarchy (exit 0) or
/// the error with its YAML path, value, rule, line and column (exit 1).
/// </summary>
public static class ValidateCommand
{
    public static int Run(Arguments args)
    {
        string path = args.Text("profile") ?? args.Positional(0) ?? throw new UsageException("a profile is required: validate PROFILE.yaml");
        args.EnsureAllUsed();
        return Run(path, Console.Out, Console.Error);
    }

    public static int Run(string path, TextWriter output, TextWriter errors)
    {
        PortConfig config;
        ClassifierOptions? classifier;
        try
        {
            (config, classifier) = ProfileInput.Load(path);
            if (classifier is not null)
            {
                Classifier.Create(classifier, config);
            }
        }
        catch (ProfileException e)
        {
            errors.WriteLine($"{path}: {e.Message}");
            return 1;
        }

        long memory;
        try
        {
            using var scheduler = new PortScheduler(config, new VirtualByteClock(config.Rate));
            memory = scheduler.MemoryBytes;
        }
        catch (OutOfMemoryException)
        {
            errors.WriteLine($"{path}: valid, but the scheduler's queues do not fit in memory here");
            return 1;
        }

        Summarize(path, config, memory, output);
        if (classifier is not null)
        {
            SummarizeClassifier(classifier, output);
        }

        return 0;
    }

    private static void Summarize(string path, PortConfig config, long memory, TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine($"{path}: valid");
        o.WriteLine(string.Create(c, $"port: {config.Rate * 8 / 1e9:0.###} Gbit/s ({config.Rate} B/s), MTU {config.Mtu} B, frame overhead {config.FrameOverhead} B"));
        o.WriteLine($"subport profiles: {config.SubportProfiles.Count}");
        foreach (var p in config.SubportProfiles)
        {
            o.WriteLine(string.Create(c, $"  {p.Name}: {Rate(p.Rate)}, bucket {p.BucketSize} B, class period {p.ClassPeriodMilliseconds} ms, class rates {Rates(p.ClassRates)}"));
        }

        o.WriteLine($"pipe profiles: {config.PipeProfiles.Count}");
        foreach (var p in config.PipeProfiles)
        {
            o.WriteLine(string.Create(c, $"  {p.Name}: {Rate(p.Rate)}, bucket {p.BucketSize} B, class period {p.ClassPeriodMilliseconds} ms, class rates {Rates(p.ClassRates)}, be weight {p.OversubscriptionWeight}, wrr {string.Join(':', p.WrrWeights)}"));
        }

        long totalPipes = 0;
        o.WriteLine($"subports: {config.Subports.Count}");
        for (int s = 0; s < config.Subports.Count; s++)
        {
            var sub = config.Subports[s];
            int pipes = sub.PipeCount;
            totalPipes += pipes;
            var perProfile = sub.Pipes.GroupBy(g => g.Profile).Select(g => $"{g.Sum(x => x.Count)} {config.PipeProfiles[g.Key].Name}");
            o.WriteLine($"  subport {s} ({config.SubportProfiles[sub.Profile].Name}): {pipes} pipes ({string.Join(", ", perProfile)})");
            o.WriteLine($"    queue sizes: {Values(sub.QueueSizes.Select(q => q.ToString(c)).ToList(), "packets")}");
            o.WriteLine($"    oversubscription: {(sub.Oversubscription ? "on" : "off")}");
            o.WriteLine($"    RED: {Classes(sub.Red?.Select(r => r.HasValue).ToList())}");
            o.WriteLine($"    PIE: {Classes(sub.Pie?.Select(p => p.HasValue).ToList())}");
        }

        o.WriteLine($"pipes: {totalPipes}, queues: {totalPipes * 16}");
        o.WriteLine(string.Create(c, $"memory: {memory / 1048576.0:0.#} MiB of queues and pipe state"));
    }

    private static void SummarizeClassifier(ClassifierOptions c, TextWriter o)
    {
        static string Field(FieldMappingOptions? m) => string.IsNullOrEmpty(m?.Field) ? "default" : m.Field;
        o.WriteLine($"classifier: {c.Rules.Count} rule(s); subport from {Field(c.Subport)}, pipe from {Field(c.Pipe)}, class from {Field(c.TrafficClass)}, queue from {Field(c.Queue)}, colour from {Field(c.Color)}");
        o.WriteLine(c.Offload.Entries == 0
            ? "  offload table: off"
            : string.Create(CultureInfo.InvariantCulture, $"  offload table: {c.Offload.Entries} entries, rebalancing {(c.Offload.Rebalance ? "on" : "off")} every {c.Offload.Interval.TotalSeconds:0.###} s"));
    }

    private static string Rate(long bytesPerSecond)
    {
        double bits = bytesPerSecond * 8.0;
        return bits switch
        {
            >= 1e9 => string.Create(CultureInfo.InvariantCulture, $"{bits / 1e9:0.###} Gbit/s"),
            >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{bits / 1e6:0.###} Mbit/s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{bits / 1e3:0.###} kbit/s"),
        };
    }

    private static string Rates(IReadOnlyList<long> rates) => Values(rates.Select(Rate).ToList(), "");

    private static string Values(List<string> values, string unit)
    {
        string suffix = unit.Length == 0 ? "" : " " + unit;
        return values.Distinct().Count() == 1 ? $"{values[0]}{suffix} (all classes)" : $"[{string.Join(", ", values)}]{suffix}";
    }

    private static string Classes(List<bool>? enabled)
    {
        var classes = enabled?.Select((on, tc) => (on, tc)).Where(x => x.on).Select(x => x.tc.ToString(CultureInfo.InvariantCulture)).ToList();
        return classes is null || classes.Count == 0 ? "none" : $"classes {string.Join(", ", classes)}";
    }
}
