using System;
using System.Collections.Generic;
using System.Globalization;
using Qos.Shaping.Congestion;
using Qos.TrafficManager.Profiles;
using YamlDotNet.RepresentationModel;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// Reads a classifier YAML file (a document whose root holds a <c>classifier:</c> mapping, as in issue 8) into
/// <see cref="ClassifierOptions"/>. Whatever the input, the only exception is a <see cref="ProfileException"/>
/// (<c>classifier.tc.map.46: ... (line 4, col 30)</c>); values are checked by <see cref="Classifier.Create"/>.
/// </summary>
/// <remarks>
/// The section can stand in a file of its own or inside a profile (the profile loader reads it into
/// <see cref="TrafficManagerOptions.Classifier"/>); other root keys are left to the profile loader.
/// </remarks>
public static class ClassifierLoader
{
    private static readonly string[] _sectionKeys = ["subport", "pipe", "tc", "queue", "color", "rules", "default", "offload"];
    private static readonly string[] _mappingKeys = ["field", "mask", "shift", "map", "default"];
    private static readonly string[] _pathKeys = ["subport", "pipe", "tc", "queue", "color"];
    private static readonly string[] _ruleKeys = ["ipv4_src", "ipv4_dst", "ipv6_src", "ipv6_dst", "src_port", "dst_port", "protocol", "dscp", "path"];
    private static readonly string[] _offloadKeys = ["entries", "pending", "rebalance", "interval", "max_swaps"];

    /// <summary>Reads the classifier file at <paramref name="path"/>.</summary>
    /// <exception cref="ProfileException">The file cannot be read or is not a classifier section.</exception>
    public static ClassifierOptions Load(string path) => Parse(YamlSource.ReadFile(path, "classifier"));

    /// <summary>Reads the classifier section from <paramref name="yaml"/>.</summary>
    /// <exception cref="ProfileException">The text is not a classifier section.</exception>
    public static ClassifierOptions Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        try
        {
            var root = YamlSource.Load(yaml, "classifier")
                ?? throw new ProfileException("classifier", null, "is empty: the file needs a 'classifier:' mapping at its root", 0, 0);
            if (root is not YamlMappingNode top || !top.Children.TryGetValue(new YamlScalarNode("classifier"), out var section))
            {
                throw Fail(root, "classifier", "the file needs a 'classifier:' mapping at its root");
            }

            var options = new ClassifierOptions();
            ReadSection(section, options);
            return options;
        }
        catch (Exception e) when (e is not ProfileException)
        {
            // Why: the loader's contract is that nothing but a ProfileException escapes, whatever the input; the
            // exception's own message would be a library's wording, not the classifier's.
            throw new ProfileException("classifier", null, $"internal error while reading ({e.GetType().Name})", 0, 0);
        }
    }

    /// <summary>Reads a <c>classifier:</c> mapping found inside a profile.</summary>
    internal static ClassifierOptions ReadSection(YamlNode section)
    {
        var options = new ClassifierOptions();
        ReadSection(section, options);
        return options;
    }

    private static void ReadSection(YamlNode node, ClassifierOptions options)
    {
        foreach (var (key, value, at) in Entries(node, "classifier", _sectionKeys, options))
        {
            switch (key)
            {
                case "subport": options.Subport = ReadMapping(value, at, options, colors: false); break;
                case "pipe": options.Pipe = ReadMapping(value, at, options, colors: false); break;
                case "tc": options.TrafficClass = ReadMapping(value, at, options, colors: false); break;
                case "queue": options.Queue = ReadMapping(value, at, options, colors: false); break;
                case "color": options.Color = ReadMapping(value, at, options, colors: true); break;
                case "default": options.DefaultPath = ReadPath(value, at, options); break;
                case "offload": ReadOffload(value, at, options); break;
                default:
                    if (value is not YamlSequenceNode rules)
                    {
                        throw Fail(value, at, "must be a list of rules");
                    }

                    for (int i = 0; i < rules.Children.Count; i++)
                    {
                        options.Rules.Add(ReadRule(rules.Children[i], $"{at}[{i}]", options));
                    }

                    break;
            }
        }
    }

    private static FieldMappingOptions ReadMapping(YamlNode node, string path, ClassifierOptions options, bool colors)
    {
        var m = new FieldMappingOptions();
        foreach (var (key, value, at) in Entries(node, path, _mappingKeys, options))
        {
            switch (key)
            {
                case "field": m.Field = Text(value, at); break;
                case "mask": m.Mask = Number(value, at); break;
                case "shift": m.Shift = (int)Math.Min(Number(value, at), 64); break;
                case "default": m.Default = colors ? Color(value, at) : Int(value, at); break;
                default:
                    var map = new Dictionary<ulong, int>();
                    if (value is not YamlMappingNode pairs)
                    {
                        throw Fail(value, at, "must be a mapping of field values to targets");
                    }

                    foreach (var (k, v) in pairs.Children)
                    {
                        string keyAt = $"{at}.{(k as YamlScalarNode)?.Value}";
                        options.Positions[keyAt] = ((int)v.Start.Line, (int)v.Start.Column);
                        if (!map.TryAdd(Number(k, keyAt), colors ? Color(v, keyAt) : Int(v, keyAt)))
                        {
                            throw Fail(k, keyAt, "is listed twice");
                        }
                    }

                    m.Map = map;
                    break;
            }
        }

        return m;
    }

    private static ClassifierRuleOptions ReadRule(YamlNode node, string path, ClassifierOptions options)
    {
        var r = new ClassifierRuleOptions();
        foreach (var (key, value, at) in Entries(node, path, _ruleKeys, options))
        {
            switch (key)
            {
                case "ipv4_src": r.Ipv4Source = Text(value, at); break;
                case "ipv4_dst": r.Ipv4Destination = Text(value, at); break;
                case "ipv6_src": r.Ipv6Source = Text(value, at); break;
                case "ipv6_dst": r.Ipv6Destination = Text(value, at); break;
                case "src_port": r.SourcePort = Text(value, at); break;
                case "dst_port": r.DestinationPort = Text(value, at); break;
                case "protocol":
                    r.Protocol = Text(value, at) switch
                    {
                        "tcp" => 6,
                        "udp" => 17,
                        "icmp" => 1,
                        "icmpv6" => 58,
                        _ => Int(value, at),
                    };
                    break;
                case "dscp":
                    var list = new List<int>();
                    if (value is YamlSequenceNode seq)
                    {
                        for (int i = 0; i < seq.Children.Count; i++)
                        {
                            list.Add(Int(seq.Children[i], $"{at}[{i}]"));
                        }
                    }
                    else
                    {
                        list.Add(Int(value, at));
                    }

                    r.Dscp = list;
                    break;
                default: r.Path = ReadPath(value, at, options); break;
            }
        }

        return r;
    }

    private static ClassifierPathOptions ReadPath(YamlNode node, string path, ClassifierOptions options)
    {
        var p = new ClassifierPathOptions();
        foreach (var (key, value, at) in Entries(node, path, _pathKeys, options))
        {
            switch (key)
            {
                case "subport": p.Subport = Int(value, at); break;
                case "pipe": p.Pipe = Int(value, at); break;
                case "tc": p.TrafficClass = Int(value, at); break;
                case "queue": p.Queue = Int(value, at); break;
                default: p.Color = (PacketColor)Color(value, at); break;
            }
        }

        return p;
    }

    private static void ReadOffload(YamlNode node, string path, ClassifierOptions options)
    {
        var o = options.Offload;
        foreach (var (key, value, at) in Entries(node, path, _offloadKeys, options))
        {
            switch (key)
            {
                case "entries": o.Entries = Int(value, at); break;
                case "pending": o.Pending = Int(value, at); break;
                case "max_swaps": o.MaxSwaps = Int(value, at); break;
                case "rebalance":
                    o.Rebalance = Text(value, at) switch
                    {
                        "true" => true,
                        "false" => false,
                        var t => throw Fail(value, at, $"'{t}' must be true or false"),
                    };
                    break;
                default:
                    string? error = Units.ParseMilliseconds(Text(value, at), out long ms);
                    o.Interval = error is null && ms > 0 ? TimeSpan.FromMilliseconds(ms) : throw Fail(value, at, error ?? "must be positive");
                    break;
            }
        }
    }

    private static IEnumerable<(string Key, YamlNode Value, string Path)> Entries(YamlNode node, string path, string[] allowed, ClassifierOptions options)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Fail(node, path, $"must be a mapping ({string.Join(", ", allowed)})");
        }

        options.Positions[path] = ((int)node.Start.Line, (int)node.Start.Column);
        foreach (var (keyNode, value) in mapping.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            string at = $"{path}.{key}";
            if (Array.IndexOf(allowed, key) < 0)
            {
                throw Fail(keyNode, at, $"unknown key '{key}' (allowed: {string.Join(", ", allowed)})");
            }

            options.Positions[at] = ((int)value.Start.Line, (int)value.Start.Column);
            yield return (key, value, at);
        }
    }

    private static string Text(YamlNode node, string at) =>
        node is YamlScalarNode { Value: { } v } ? v : throw Fail(node, at, "must be a single value");

    private static ulong Number(YamlNode node, string at)
    {
        string t = Text(node, at).Replace("_", "", StringComparison.Ordinal);
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        return ok ? v : throw Fail(node, at, $"'{t}' must be a whole number (decimal or 0x hex)");
    }

    private static int Int(YamlNode node, string at)
    {
        ulong v = Number(node, at);
        return v <= int.MaxValue ? (int)v : throw Fail(node, at, $"'{v}' is too large");
    }

    private static int Color(YamlNode node, string at) => Text(node, at) switch
    {
        "green" => 0,
        "yellow" => 1,
        "red" => 2,
        var t => throw Fail(node, at, $"'{t}' must be green, yellow or red"),
    };

    private static ProfileException Fail(YamlNode node, string at, string rule) =>
        new(at, (node as YamlScalarNode)?.Value, rule, (int)node.Start.Line, (int)node.Start.Column);
}
