using System;
using System.Collections.Generic;
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// Reads a YAML profile into <see cref="TrafficManagerOptions"/> and records where every node was found. This pass
/// checks the shape of the document: mappings, lists and scalars where they belong, known keys only, whole numbers
/// and booleans. Units, profile names, list lengths and the scheduler's rules are checked when the options are
/// compiled (<see cref="ProfileCompiler"/>), with the positions recorded here. A port profile is a document of its own
/// or a mapping inside a pipeline profile's <c>ports</c> list (<see cref="ReadNested"/>; the pipeline document itself in
/// <c>ProfileYamlReader.Pipeline.cs</c>).
/// </summary>
internal sealed partial class ProfileYamlReader
{
    private static readonly string[] _rootKeys = ["port", "subport_profiles", "pipe_profiles", "subports", "classifier"];
    private static readonly string[] _portKeys = ["rate", "mtu", "frame_overhead"];
    private static readonly string[] _subportProfileKeys = ["rate", "bucket", "tc_rates", "tc_period"];
    private static readonly string[] _pipeProfileKeys = ["rate", "bucket", "tc_rates", "tc_period", "be_weight", "wrr_weights"];
    private static readonly string[] _subportKeys = ["profile", "queue_sizes", "oversubscription", "pipes", "congestion"];
    private static readonly string[] _pipeGroupKeys = ["count", "profile"];
    private static readonly string[] _congestionKeys = ["red", "pie"];
    private static readonly string[] _redClassKeys = ["green", "yellow", "red", "weight_log2"];
    private static readonly string[] _redColorKeys = ["min", "max", "inv_prob"];
    private static readonly string[] _pieClassKeys = ["tail_drop", "qdelay_ref", "update_interval", "max_burst"];

    private readonly ProfileSourceMap _map;

    /// <summary>What the document is, for errors about it as a whole: <c>profile</c> or <c>pipeline</c>.</summary>
    private readonly string _document;

    private ProfileYamlReader(ProfileSourceMap map, string document = "profile")
    {
        _map = map;
        _document = document;
    }

    /// <summary>Reads <paramref name="text"/> into <paramref name="options"/>.</summary>
    /// <exception cref="ProfileException">The text is not YAML or not shaped like a profile.</exception>
    public static void Read(string text, TrafficManagerOptions options)
    {
        var map = new ProfileSourceMap();
        options.Source = map;
        new ProfileYamlReader(map).ReadRoot(Load(text), options, _rootKeys);
    }

    /// <summary>
    /// Reads the port profile that <paramref name="node"/>, a mapping inside a larger document, holds into
    /// <paramref name="options"/>: paths as in a profile of its own (<c>port.rate</c>), positions in the larger document.
    /// The keys <paramref name="callerKeys"/> are the caller's to read (a pipeline port's <c>name</c>) and are skipped.
    /// </summary>
    /// <exception cref="ProfileException">The mapping is not shaped like a profile; the path is relative to it.</exception>
    public static void ReadNested(YamlMappingNode node, TrafficManagerOptions options, string[] callerKeys)
    {
        var map = new ProfileSourceMap();
        options.Source = map;
        new ProfileYamlReader(map).ReadRoot(node, options, [.. callerKeys, .. _rootKeys]);
    }

    private static YamlNode Load(string text) =>
        YamlSource.Load(text, "profile")
        ?? throw new ProfileException("profile", null, "is empty: a profile needs port, subport_profiles, pipe_profiles and subports", 0, 0);

    private void ReadRoot(YamlNode root, TrafficManagerOptions options, string[] allowed)
    {
        foreach (var (key, value, path) in Entries(root, "", "the profile", allowed))
        {
            switch (key)
            {
                case "port":
                    ReadPort(value, path, options.Port);
                    break;
                case "subport_profiles":
                    foreach (var (name, node, at) in Entries(value, path, "a mapping of profile names to subport profiles", null))
                    {
                        var profile = new SubportProfileOptions();
                        Add(options.SubportProfiles, name, profile, node, at);
                        ReadSubportProfile(node, at, profile);
                    }

                    break;
                case "classifier":
                    options.Classifier = Classification.ClassifierLoader.ReadSection(value);
                    break;
                case "pipe_profiles":
                    foreach (var (name, node, at) in Entries(value, path, "a mapping of profile names to pipe profiles", null))
                    {
                        var profile = new PipeProfileOptions();
                        Add(options.PipeProfiles, name, profile, node, at);
                        ReadPipeProfile(node, at, profile);
                    }

                    break;
                case "subports":
                    var items = Sequence(value, path, "a list of subports").Children;
                    for (int i = 0; i < items.Count; i++)
                    {
                        string at = $"{path}[{i}]";
                        Record(at, items[i]);
                        var subport = new SubportOptions();
                        options.Subports.Add(subport);
                        ReadSubport(items[i], at, subport);
                    }

                    break;
                default:
                    // Why: a key the caller reads itself (ReadNested); Entries refused every other.
                    break;
            }
        }
    }

    private void ReadPort(YamlNode node, string path, PortOptions port)
    {
        foreach (var (key, value, at) in Entries(node, path, "the port's rate, mtu and frame_overhead", _portKeys))
        {
            switch (key)
            {
                case "rate":
                    port.Rate = Scalar(value, at);
                    break;
                case "mtu":
                    port.Mtu = Int(value, at);
                    break;
                default:
                    port.FrameOverhead = Int(value, at);
                    break;
            }
        }
    }

    private void ReadSubportProfile(YamlNode node, string path, SubportProfileOptions profile)
    {
        foreach (var (key, value, at) in Entries(node, path, "a subport profile (rate, bucket, tc_rates, tc_period)", _subportProfileKeys))
        {
            switch (key)
            {
                case "rate":
                    profile.Rate = Scalar(value, at);
                    break;
                case "bucket":
                    profile.Bucket = Scalar(value, at);
                    break;
                case "tc_rates":
                    OneOrList(value, at, profile.TcRates, Scalar);
                    break;
                default:
                    profile.TcPeriod = Scalar(value, at);
                    break;
            }
        }
    }

    private void ReadPipeProfile(YamlNode node, string path, PipeProfileOptions profile)
    {
        foreach (var (key, value, at) in Entries(node, path, "a pipe profile (rate, bucket, tc_rates, tc_period, be_weight, wrr_weights)", _pipeProfileKeys))
        {
            switch (key)
            {
                case "rate":
                    profile.Rate = Scalar(value, at);
                    break;
                case "bucket":
                    profile.Bucket = Scalar(value, at);
                    break;
                case "tc_rates":
                    OneOrList(value, at, profile.TcRates, Scalar);
                    break;
                case "tc_period":
                    profile.TcPeriod = Scalar(value, at);
                    break;
                case "be_weight":
                    profile.BeWeight = Int(value, at);
                    break;
                default:
                    OneOrList(value, at, profile.WrrWeights, Int);
                    break;
            }
        }
    }

    private void ReadSubport(YamlNode node, string path, SubportOptions subport)
    {
        foreach (var (key, value, at) in Entries(node, path, "a subport (profile, queue_sizes, oversubscription, pipes, congestion)", _subportKeys))
        {
            switch (key)
            {
                case "profile":
                    subport.Profile = Scalar(value, at);
                    break;
                case "queue_sizes":
                    OneOrList(value, at, subport.QueueSizes, Int);
                    break;
                case "oversubscription":
                    subport.Oversubscription = Bool(value, at);
                    break;
                case "pipes":
                    var groups = Sequence(value, at, "a list of pipe groups ({ count: N, profile: NAME })").Children;
                    for (int g = 0; g < groups.Count; g++)
                    {
                        string groupPath = $"{at}[{g}]";
                        Record(groupPath, groups[g]);
                        var group = new PipeGroupOptions();
                        subport.Pipes.Add(group);
                        foreach (var (k, v, p) in Entries(groups[g], groupPath, "a pipe group ({ count: N, profile: NAME })", _pipeGroupKeys))
                        {
                            if (k == "count")
                            {
                                group.Count = Int(v, p);
                            }
                            else
                            {
                                group.Profile = Scalar(v, p);
                            }
                        }
                    }

                    break;
                default:
                    subport.Congestion = new CongestionOptions();
                    ReadCongestion(value, at, subport.Congestion);
                    break;
            }
        }
    }

    private void ReadCongestion(YamlNode node, string path, CongestionOptions congestion)
    {
        foreach (var (key, value, at) in Entries(node, path, "red and/or pie, each a mapping of class numbers 0..12", _congestionKeys))
        {
            foreach (var (tcText, classNode, _) in Entries(value, at, "a mapping of class numbers 0..12", null))
            {
                if (!int.TryParse(tcText, NumberStyles.None, CultureInfo.InvariantCulture, out int tc) || tc > 12)
                {
                    throw Fail(KeyNode(value, tcText) ?? classNode, $"{at}.{tcText}", tcText, $"'{tcText}' is not a traffic class: classes are 0..12");
                }

                string classPath = $"{at}[{tc}]";
                Record(classPath, classNode);
                if (key == "red")
                {
                    var red = new RedClassOptions();
                    Add(congestion.Red, tc, red, classNode, classPath);
                    ReadRedClass(classNode, classPath, red);
                }
                else
                {
                    var pie = new PieClassOptions();
                    Add(congestion.Pie, tc, pie, classNode, classPath);
                    ReadPieClass(classNode, classPath, pie);
                }
            }
        }
    }

    private void ReadRedClass(YamlNode node, string path, RedClassOptions red)
    {
        foreach (var (key, value, at) in Entries(node, path, "RED of a class (green, yellow, red, weight_log2)", _redClassKeys))
        {
            if (key == "weight_log2")
            {
                red.WeightLog2 = Int(value, at);
                continue;
            }

            var color = new RedColorOptions();
            foreach (var (k, v, p) in Entries(value, at, "RED thresholds ({ min: N, max: N, inv_prob: N })", _redColorKeys))
            {
                int n = Int(v, p);
                switch (k)
                {
                    case "min":
                        color.Min = n;
                        break;
                    case "max":
                        color.Max = n;
                        break;
                    default:
                        color.InvProb = n;
                        break;
                }
            }

            switch (key)
            {
                case "green":
                    red.Green = color;
                    break;
                case "yellow":
                    red.Yellow = color;
                    break;
                default:
                    red.Red = color;
                    break;
            }
        }
    }

    private void ReadPieClass(YamlNode node, string path, PieClassOptions pie)
    {
        foreach (var (key, value, at) in Entries(node, path, "PIE of a class (tail_drop, qdelay_ref, update_interval, max_burst)", _pieClassKeys))
        {
            switch (key)
            {
                case "tail_drop":
                    pie.TailDrop = Int(value, at);
                    break;
                case "qdelay_ref":
                    pie.QdelayRef = Scalar(value, at);
                    break;
                case "update_interval":
                    pie.UpdateInterval = Scalar(value, at);
                    break;
                default:
                    pie.MaxBurst = Scalar(value, at);
                    break;
            }
        }
    }

    /// <summary>The entries of a mapping with their paths, each recorded; keys outside <paramref name="allowed"/> are refused.</summary>
    private List<(string Key, YamlNode Value, string Path)> Entries(YamlNode node, string path, string what, string[]? allowed)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Fail(node, path.Length == 0 ? _document : path, Text(node), $"must be {what}");
        }

        var entries = new List<(string, YamlNode, string)>(mapping.Children.Count);
        foreach (var (keyNode, value) in mapping.Children)
        {
            string at = path.Length == 0 ? "" : path + ".";
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } key })
            {
                throw Fail(keyNode, path.Length == 0 ? _document : path, null, "keys must be plain, non-empty names");
            }

            at += key;
            if (allowed is not null && Array.IndexOf(allowed, key) < 0)
            {
                throw Fail(keyNode, at, key, $"unknown key '{key}' (allowed: {string.Join(", ", allowed)})");
            }

            Record(at, value);
            entries.Add((key, value, at));
        }

        return entries;
    }

    private static YamlNode? KeyNode(YamlNode mapping, string key)
    {
        foreach (var (k, _) in ((YamlMappingNode)mapping).Children)
        {
            if (k is YamlScalarNode { Value: { } v } && v == key)
            {
                return k;
            }
        }

        return null;
    }

    private static YamlSequenceNode Sequence(YamlNode node, string path, string what) =>
        node as YamlSequenceNode ?? throw Fail(node, path, Text(node), $"must be {what}");

    private void OneOrList<T>(YamlNode node, string path, List<T> list, Func<YamlNode, string, T> parse)
    {
        if (node is YamlSequenceNode items)
        {
            for (int i = 0; i < items.Children.Count; i++)
            {
                string at = $"{path}[{i}]";
                Record(at, items[i]);
                list.Add(parse(items[i], at));
            }
        }
        else
        {
            list.Add(parse(node, path));
        }
    }

    private static string Scalar(YamlNode node, string path)
    {
        if (node is not YamlScalarNode scalar)
        {
            throw Fail(node, path, null, "must be a single value, not a list or mapping");
        }

        string? value = scalar.Value;
        if (value is null || (scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && value is "" or "~" or "null" or "Null" or "NULL"))
        {
            throw Fail(node, path, null, "is empty: a value is needed");
        }

        return value;
    }

    private static int Int(YamlNode node, string path)
    {
        string text = Scalar(node, path);
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw Fail(node, path, text, $"'{text}' is not a whole number");
    }

    private static bool Bool(YamlNode node, string path)
    {
        string text = Scalar(node, path);
        return text.ToUpperInvariant() switch
        {
            "TRUE" => true,
            "FALSE" => false,
            _ => throw Fail(node, path, text, $"'{text}' must be true or false"),
        };
    }

    private static void Add<TKey, TValue>(Dictionary<TKey, TValue> target, TKey key, TValue value, YamlNode node, string path)
        where TKey : notnull
    {
        if (!target.TryAdd(key, value))
        {
            throw Fail(node, path, key.ToString(), $"'{key}' is defined twice");
        }
    }

    private void Record(string path, YamlNode node) => _map.Record(path, node.Start.Line, node.Start.Column);

    private static string? Text(YamlNode node) => node is YamlScalarNode s ? s.Value : null;

    private static ProfileException Fail(YamlNode node, string path, string? value, string rule) =>
        new(path, value, rule, ToInt(node.Start.Line), ToInt(node.Start.Column));

    private static int ToInt(long value) => (int)Math.Clamp(value, 0, int.MaxValue);
}
