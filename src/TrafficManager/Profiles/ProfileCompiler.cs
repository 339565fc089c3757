using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Qos.Shaping.Congestion;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// Turns <see cref="TrafficManagerOptions"/> into a <see cref="PortConfig"/>: parses units, resolves profile names to
/// indices, expands one-for-all values to 13 classes, builds the RED and PIE parameters, then runs the scheduler's own
/// <see cref="ConfigValidator"/>. Every error is a <see cref="ProfileException"/> with the YAML path (profiles by name)
/// and, when the options came from YAML, the line and column of the node.
/// </summary>
internal sealed class ProfileCompiler
{
    private readonly ProfileSourceMap? _map;

    private ProfileCompiler(ProfileSourceMap? map) => _map = map;

    public static PortConfig Compile(TrafficManagerOptions options)
    {
        if (options.LoadError is { } error)
        {
            throw error;
        }

        try
        {
            return new ProfileCompiler(options.Source).Build(options);
        }
        catch (Exception e) when (e is not ProfileException)
        {
            // Why: the loader's contract is that nothing but a ProfileException escapes, whatever the input.
            throw new ProfileException("profile", null, $"internal error while compiling: {e.GetType().Name}: {e.Message}", 0, 0);
        }
    }

    private PortConfig Build(TrafficManagerOptions options)
    {
        long portRate = Rate(options.Port.Rate, "port.rate");
        var subportNames = options.SubportProfiles.Keys.ToList();
        var pipeNames = options.PipeProfiles.Keys.ToList();
        var subportProfiles = new List<SubportProfileConfig>(subportNames.Count);
        foreach (var (name, p) in options.SubportProfiles)
        {
            string at = $"subport_profiles.{name}";
            subportProfiles.Add(new SubportProfileConfig
            {
                Name = name,
                Rate = Rate(p.Rate, $"{at}.rate"),
                BucketSize = Size(p.Bucket, $"{at}.bucket"),
                ClassRates = ClassRates(p.TcRates, $"{at}.tc_rates"),
                ClassPeriodMilliseconds = Milliseconds(p.TcPeriod, $"{at}.tc_period"),
            });
        }

        var pipeProfiles = new List<PipeProfileConfig>(pipeNames.Count);
        foreach (var (name, p) in options.PipeProfiles)
        {
            string at = $"pipe_profiles.{name}";
            pipeProfiles.Add(new PipeProfileConfig
            {
                Name = name,
                Rate = Rate(p.Rate, $"{at}.rate"),
                BucketSize = Size(p.Bucket, $"{at}.bucket"),
                ClassRates = ClassRates(p.TcRates, $"{at}.tc_rates"),
                ClassPeriodMilliseconds = Milliseconds(p.TcPeriod, $"{at}.tc_period"),
                OversubscriptionWeight = p.BeWeight,
                WrrWeights = p.WrrWeights.Count switch
                {
                    0 => [1, 1, 1, 1],
                    1 => Enumerable.Repeat(p.WrrWeights[0], TrafficClass.BestEffortQueues).ToArray(),
                    TrafficClass.BestEffortQueues => p.WrrWeights.ToArray(),
                    _ => throw Error($"{at}.wrr_weights", p.WrrWeights.Count.ToString(CultureInfo.InvariantCulture),
                        $"must be one weight for all 4 best-effort queues or a list of 4 (got {p.WrrWeights.Count})"),
                },
            });
        }

        var subports = new List<SubportConfig>(options.Subports.Count);
        for (int s = 0; s < options.Subports.Count; s++)
        {
            subports.Add(Subport(options.Subports[s], $"subports[{s}]", subportNames, pipeNames, portRate));
        }

        var config = new PortConfig
        {
            Rate = portRate,
            Mtu = options.Port.Mtu,
            FrameOverhead = options.Port.FrameOverhead,
            SubportProfiles = subportProfiles,
            PipeProfiles = pipeProfiles,
            Subports = subports,
        };
        try
        {
            ConfigValidator.Validate(config);
        }
        catch (ConfigurationException e)
        {
            string path = ProfileSourceMap.ToYamlPath(e.Field, subportNames, pipeNames);
            var (line, column) = Find(path);
            throw ProfileException.WithValue(path, e.Value, e.Rule, line, column);
        }

        return config;
    }

    private SubportConfig Subport(SubportOptions o, string at, List<string> subportNames, List<string> pipeNames, long portRate)
    {
        string profileName = o.Profile ?? throw Error($"{at}.profile", null, "is required: the name of a subport profile");
        int profile = subportNames.IndexOf(profileName);
        if (profile < 0)
        {
            throw Error($"{at}.profile", profileName, $"unknown subport profile '{profileName}'{Known(subportNames)}");
        }

        var groups = new List<PipeGroup>(o.Pipes.Count);
        for (int g = 0; g < o.Pipes.Count; g++)
        {
            string groupAt = $"{at}.pipes[{g}]";
            string name = o.Pipes[g].Profile ?? throw Error($"{groupAt}.profile", null, "is required: the name of a pipe profile");
            int index = pipeNames.IndexOf(name);
            if (index < 0)
            {
                throw Error($"{groupAt}.profile", name, $"unknown pipe profile '{name}'{Known(pipeNames)}");
            }

            groups.Add(new PipeGroup(o.Pipes[g].Count, index));
        }

        if (groups.Count == 0)
        {
            throw Error($"{at}.pipes", null, "is required: a list of pipe groups ({ count: N, profile: NAME })");
        }

        int[] queueSizes = o.QueueSizes.Count switch
        {
            0 => throw Error($"{at}.queue_sizes", null, "is required: one size for all 13 classes or a list of 13"),
            1 => Enumerable.Repeat(o.QueueSizes[0], TrafficClass.Count).ToArray(),
            TrafficClass.Count => o.QueueSizes.ToArray(),
            _ => throw Error($"{at}.queue_sizes", o.QueueSizes.Count.ToString(CultureInfo.InvariantCulture),
                $"must be one size for all 13 classes or a list of 13 (got {o.QueueSizes.Count})"),
        };

        RedProfile?[]? red = null;
        PieParameters?[]? pie = null;
        if (o.Congestion is { } congestion)
        {
            foreach (var (tc, r) in congestion.Red.OrderBy(e => e.Key))
            {
                red ??= new RedProfile?[TrafficClass.Count];
                red[CheckClass(tc, $"{at}.congestion.red")] = Red(r, $"{at}.congestion.red[{tc}]");
            }

            foreach (var (tc, p) in congestion.Pie.OrderBy(e => e.Key))
            {
                pie ??= new PieParameters?[TrafficClass.Count];
                pie[CheckClass(tc, $"{at}.congestion.pie")] = Pie(p, $"{at}.congestion.pie[{tc}]", portRate);
            }
        }

        return new SubportConfig
        {
            Profile = profile,
            QueueSizes = queueSizes,
            Pipes = groups,
            Oversubscription = o.Oversubscription,
            Red = red,
            Pie = pie,
        };
    }

    private int CheckClass(int tc, string at) =>
        (uint)tc < TrafficClass.Count ? tc : throw Error($"{at}[{tc}]", tc.ToString(CultureInfo.InvariantCulture), "is not a traffic class: classes are 0..12");

    private RedProfile Red(RedClassOptions o, string at)
    {
        var green = Color(o.Green, $"{at}.green");
        var yellow = Color(o.Yellow, $"{at}.yellow");
        var red = Color(o.Red, $"{at}.red");
        if (o.WeightLog2 < RedProfile.MinWeightLog2 || o.WeightLog2 > RedProfile.MaxWeightLog2)
        {
            throw Error($"{at}.weight_log2", Text(o.WeightLog2), $"must be between {RedProfile.MinWeightLog2} and {RedProfile.MaxWeightLog2}");
        }

        return new RedProfile(green, yellow, red, o.WeightLog2);
    }

    private RedParameters Color(RedColorOptions? o, string at)
    {
        if (o is null)
        {
            throw Error(at, null, "is required: { min: N, max: N, inv_prob: N }");
        }

        if (o.Min < 1)
        {
            throw Error($"{at}.min", Text(o.Min), "must be at least 1 packet");
        }

        if (o.Max > RedParameters.MaxQueueLength)
        {
            throw Error($"{at}.max", Text(o.Max), $"must be at most {RedParameters.MaxQueueLength} packets");
        }

        if (o.Min >= o.Max)
        {
            throw Error($"{at}.min", Text(o.Min), $"must be below max ({o.Max})");
        }

        if (o.InvProb < 1 || o.InvProb > RedParameters.MaxInverse)
        {
            throw Error($"{at}.inv_prob", Text(o.InvProb), $"must be between 1 and {RedParameters.MaxInverse}");
        }

        return new RedParameters(o.Min, o.Max, o.InvProb);
    }

    private PieParameters Pie(PieClassOptions o, string at, long portRate)
    {
        if (portRate < PieParameters.MinPortRate)
        {
            throw Error(at, null, $"PIE needs a port rate of at least {PieParameters.MinPortRate} B/s");
        }

        if (o.TailDrop < 1)
        {
            throw Error($"{at}.tail_drop", Text(o.TailDrop), "must be at least 1 packet (and at most the queue size)");
        }

        int reference = PieMilliseconds(o.QdelayRef, $"{at}.qdelay_ref", 1);
        int update = PieMilliseconds(o.UpdateInterval, $"{at}.update_interval", 1);
        int burst = PieMilliseconds(o.MaxBurst, $"{at}.max_burst", 0);
        return new PieParameters(portRate, o.TailDrop, reference, update, burst);
    }

    private int PieMilliseconds(string? text, string at, int minimum)
    {
        long ms = Milliseconds(text, at);
        if (ms < minimum || ms > PieParameters.MaxMilliseconds)
        {
            throw Error(at, text, $"must be between {minimum} and {PieParameters.MaxMilliseconds} ms");
        }

        return (int)ms;
    }

    private long[] ClassRates(List<string> rates, string at)
    {
        if (rates.Count != 1 && rates.Count != TrafficClass.Count)
        {
            throw Error(at, rates.Count.ToString(CultureInfo.InvariantCulture), rates.Count == 0
                ? "is required: one rate for all 13 classes or a list of 13"
                : $"must be one rate for all 13 classes or a list of 13 (got {rates.Count})");
        }

        var result = new long[TrafficClass.Count];
        for (int tc = 0; tc < result.Length; tc++)
        {
            result[tc] = rates.Count == 1 ? Rate(rates[0], at) : Rate(rates[tc], $"{at}[{tc}]");
        }

        return result;
    }

    private long Rate(string? text, string at)
    {
        string value = text ?? throw Error(at, null, $"is required: {Units.RateHelp}");
        return Units.ParseRate(value, out long rate) is { } rule ? throw Error(at, value, rule) : rate;
    }

    private long Size(string? text, string at)
    {
        string value = text ?? throw Error(at, null, $"is required: {Units.SizeHelp}");
        return Units.ParseSize(value, out long size) is { } rule ? throw Error(at, value, rule) : size;
    }

    private long Milliseconds(string? text, string at)
    {
        string value = text ?? throw Error(at, null, $"is required: {Units.TimeHelp}");
        return Units.ParseMilliseconds(value, out long ms) is { } rule ? throw Error(at, value, rule) : ms;
    }

    private static string Known(List<string> names) =>
        names.Count == 0 ? " (none are defined)" : $" (known: {string.Join(", ", names)})";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private (int Line, int Column) Find(string path) => _map?.Find(path) ?? (0, 0);

    private ProfileException Error(string path, string? value, string rule)
    {
        var (line, column) = Find(path);
        return new ProfileException(path, value, rule, line, column);
    }
}
