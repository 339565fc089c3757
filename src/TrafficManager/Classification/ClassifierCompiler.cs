using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Profiles;
using TcConst = Qos.Shaping.TrafficClasses.TrafficClass;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// Checks <see cref="ClassifierOptions"/> against a port and compiles them. Every target a mapping or rule can
/// produce must lie in the hierarchy: a mapped pipe must exist in every subport (the mapping does not know which
/// subport it will be combined with), a path's class must be enabled in its subport. Errors are
/// <see cref="ProfileException"/>s named in YAML terms, with the line when the options came from a file.
/// </summary>
internal static class ClassifierCompiler
{
    private static readonly Dictionary<string, ClassifierField> _fields = new(StringComparer.Ordinal)
    {
        ["vlan.outer"] = ClassifierField.VlanOuter,
        ["vlan.inner"] = ClassifierField.VlanInner,
        ["vlan.pcp"] = ClassifierField.VlanPcp,
        ["ipv4.src"] = ClassifierField.Ipv4Source,
        ["ipv4.dst"] = ClassifierField.Ipv4Destination,
        ["ipv6.src"] = ClassifierField.Ipv6Source,
        ["ipv6.dst"] = ClassifierField.Ipv6Destination,
        ["dscp"] = ClassifierField.Dscp,
        ["ip.proto"] = ClassifierField.Protocol,
        ["l4.src_port"] = ClassifierField.SourcePort,
        ["l4.dst_port"] = ClassifierField.DestinationPort,
        ["flow_hash"] = ClassifierField.FlowHash,
    };

    public static Classifier Compile(ClassifierOptions options, PortConfig port, long now)
    {
        var c = new Context(options);
        int subports = port.Subports.Count;
        if (subports == 0)
        {
            throw c.Fail("classifier", null, "the port has no subports");
        }

        int[] pipeCounts = port.Subports.Select(s => s.PipeCount).ToArray();
        bool[] enabled = new bool[subports * TcConst.Count];
        for (int s = 0; s < subports; s++)
        {
            for (int tc = 0; tc < TcConst.Count; tc++)
            {
                enabled[s * TcConst.Count + tc] = tc == TcConst.BestEffort || (tc < port.Subports[s].QueueSizes.Count && port.Subports[s].QueueSizes[tc] != 0);
            }
        }

        int minPipes = pipeCounts.Min();
        ulong defaultRoute = Path(c, "classifier.default", options.DefaultPath, pipeCounts, enabled);
        var d = options.DefaultPath;
        var subport = Mapping(c, "classifier.subport", options.Subport, d.Subport, subports, "subports");
        var pipe = Mapping(c, "classifier.pipe", options.Pipe, d.Pipe, minPipes, "pipes in every subport");
        var tcMap = Mapping(c, "classifier.tc", options.TrafficClass, d.TrafficClass, TcConst.Count, "traffic classes");
        var queue = Mapping(c, "classifier.queue", options.Queue, d.Queue, TcConst.BestEffortQueues, "best-effort queues");
        var color = Mapping(c, "classifier.color", options.Color, (int)d.Color, 3, "colours (0 green, 1 yellow, 2 red)");
        var rules = new ClassifierRule[options.Rules.Count];
        for (int i = 0; i < rules.Length; i++)
        {
            rules[i] = Rule(c, $"classifier.rules[{i}]", options.Rules[i], pipeCounts, enabled);
        }

        var offload = options.Offload;
        if (offload.Entries < 0 || (offload.Entries > 0 && !BitOperations.IsPow2(offload.Entries)) || offload.Entries > 1 << 24)
        {
            throw c.Fail("classifier.offload.entries", offload.Entries.ToString(CultureInfo.InvariantCulture), "must be 0 (no table) or a power of two up to 16777216");
        }

        if (offload.Pending < 0 || offload.Pending > 1 << 26)
        {
            throw c.Fail("classifier.offload.pending", offload.Pending.ToString(CultureInfo.InvariantCulture), "must be 0 (as many as entries) or a positive count up to 67108864");
        }

        if (offload.MaxSwaps < 0)
        {
            throw c.Fail("classifier.offload.max_swaps", offload.MaxSwaps.ToString(CultureInfo.InvariantCulture), "must not be negative");
        }

        if (offload.PendingSample < 1 || offload.PendingSample > OffloadTable.MaxSample)
        {
            throw c.Fail("classifier.offload.pending_sample", offload.PendingSample.ToString(CultureInfo.InvariantCulture), $"must be 1..{OffloadTable.MaxSample}");
        }

        if (offload.Interval <= TimeSpan.Zero)
        {
            throw c.Fail("classifier.offload.interval", offload.Interval.ToString(), "must be positive");
        }

        return new Classifier(rules, subport, pipe, tcMap, queue, color, pipeCounts, enabled, defaultRoute, offload, now);
    }

    private static FieldMapping Mapping(Context c, string at, FieldMappingOptions? m, int fallback, int limit, string what)
    {
        if (m is null)
        {
            return FieldMapping.Constant(fallback);
        }

        if (!_fields.TryGetValue(m.Field, out var field))
        {
            throw c.Fail($"{at}.field", m.Field, $"unknown field '{m.Field}' (allowed: {string.Join(", ", _fields.Keys)})");
        }

        if ((uint)m.Shift > 63)
        {
            throw c.Fail($"{at}.shift", m.Shift.ToString(CultureInfo.InvariantCulture), "must be 0..63");
        }

        if (m.Mask == 0)
        {
            throw c.Fail($"{at}.mask", "0", "must keep at least one bit");
        }

        int def = m.Default ?? fallback;
        if ((uint)def >= (uint)limit)
        {
            throw c.Fail($"{at}.default", def.ToString(CultureInfo.InvariantCulture), $"must be below {limit} (the number of {what})");
        }

        if (m.Map is not null)
        {
            foreach (var (key, value) in m.Map)
            {
                if ((uint)value >= (uint)limit)
                {
                    throw c.Fail($"{at}.map.{key}", value.ToString(CultureInfo.InvariantCulture), $"must be below {limit} (the number of {what})");
                }
            }
        }

        return new FieldMapping(field, m.Mask, m.Shift, m.Map, def);
    }

    private static ulong Path(Context c, string at, ClassifierPathOptions p, int[] pipeCounts, bool[] enabled)
    {
        string S(int v) => v.ToString(CultureInfo.InvariantCulture);
        if ((uint)p.Subport >= (uint)pipeCounts.Length)
        {
            throw c.Fail($"{at}.subport", S(p.Subport), $"must be below {pipeCounts.Length} (the port's subports)");
        }

        if ((uint)p.Pipe >= (uint)pipeCounts[p.Subport])
        {
            throw c.Fail($"{at}.pipe", S(p.Pipe), $"must be below {pipeCounts[p.Subport]} (the pipes of subport {p.Subport})");
        }

        if ((uint)p.TrafficClass >= TcConst.Count || !enabled[p.Subport * TcConst.Count + p.TrafficClass])
        {
            throw c.Fail($"{at}.tc", S(p.TrafficClass), $"must be a class 0..12 enabled in subport {p.Subport} (queue size not 0)");
        }

        if ((uint)p.Queue >= TcConst.BestEffortQueues || (p.Queue != 0 && p.TrafficClass != TcConst.BestEffort))
        {
            throw c.Fail($"{at}.queue", S(p.Queue), "must be 0..3 for best effort (class 12) and 0 for the other classes");
        }

        if ((uint)p.Color > 2)
        {
            throw c.Fail($"{at}.color", p.Color.ToString(), "must be green, yellow or red");
        }

        return ClassifiedPath.Pack(p.Subport, p.Pipe, p.TrafficClass, p.Queue, (int)p.Color);
    }

    private static ClassifierRule Rule(Context c, string at, ClassifierRuleOptions r, int[] pipeCounts, bool[] enabled)
    {
        byte version = 0;
        var (srcValue, srcMask) = Prefix(c, $"{at}.ipv4_src", r.Ipv4Source, 4, ref version);
        var (dstValue, dstMask) = Prefix(c, $"{at}.ipv4_dst", r.Ipv4Destination, 4, ref version);
        if (r.Ipv6Source is not null)
        {
            (srcValue, srcMask) = Prefix(c, $"{at}.ipv6_src", r.Ipv6Source, 6, ref version);
        }

        if (r.Ipv6Destination is not null)
        {
            (dstValue, dstMask) = Prefix(c, $"{at}.ipv6_dst", r.Ipv6Destination, 6, ref version);
        }

        var (spLow, spHigh) = Ports(c, $"{at}.src_port", r.SourcePort);
        var (dpLow, dpHigh) = Ports(c, $"{at}.dst_port", r.DestinationPort);
        if (r.Protocol is { } proto && (uint)proto > 255)
        {
            throw c.Fail($"{at}.protocol", proto.ToString(CultureInfo.InvariantCulture), "must be an IP protocol number 0..255");
        }

        ulong dscp = ulong.MaxValue;
        if (r.Dscp is not null)
        {
            dscp = 0;
            for (int i = 0; i < r.Dscp.Count; i++)
            {
                if ((uint)r.Dscp[i] > 63)
                {
                    throw c.Fail($"{at}.dscp[{i}]", r.Dscp[i].ToString(CultureInfo.InvariantCulture), "must be a DSCP 0..63");
                }

                dscp |= 1UL << r.Dscp[i];
            }

            if (dscp == 0)
            {
                throw c.Fail($"{at}.dscp", "[]", "must list at least one DSCP");
            }
        }

        ulong route = Path(c, $"{at}.path", r.Path, pipeCounts, enabled);
        bool needsPorts = r.SourcePort is not null || r.DestinationPort is not null;
        return new ClassifierRule(version, srcValue, srcMask, dstValue, dstMask, needsPorts, spLow, spHigh, dpLow, dpHigh, r.Protocol ?? -1, dscp, route);
    }

    private static (UInt128 Value, UInt128 Mask) Prefix(Context c, string at, string? text, int family, ref byte version)
    {
        if (text is null)
        {
            return (UInt128.Zero, UInt128.Zero);
        }

        if (version != 0 && version != family)
        {
            throw c.Fail(at, text, "a rule cannot match both IPv4 and IPv6 addresses");
        }

        version = (byte)family;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string address = slash < 0 ? text : text.Substring(0, slash);
        int bits = family == 4 ? 32 : 128;
        int length = bits;
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != (family == 4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6)
            || (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > bits)))
        {
            throw c.Fail(at, text, $"must be an IPv{family} prefix like {(family == 4 ? "10.1.0.0/16" : "2001:db8::/32")}");
        }

        byte[] bytes = ip.GetAddressBytes();
        UInt128 value = 0;
        foreach (byte b in bytes)
        {
            value = (value << 8) | b;
        }

        UInt128 all = family == 4 ? uint.MaxValue : UInt128.MaxValue;
        UInt128 mask = length == 0 ? UInt128.Zero : (all << (bits - length)) & all;
        if ((value & ~mask & all) != 0)
        {
            throw c.Fail(at, text, "has bits set past the prefix length");
        }

        return (value, mask);
    }

    private static (ushort Low, ushort High) Ports(Context c, string at, string? text)
    {
        if (text is null)
        {
            return (0, ushort.MaxValue);
        }

        int dash = text.IndexOf('-', StringComparison.Ordinal);
        string lowText = dash < 0 ? text : text.Substring(0, dash);
        string highText = dash < 0 ? text : text.Substring(dash + 1);
        if (!ushort.TryParse(lowText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ushort low)
            || !ushort.TryParse(highText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ushort high) || high < low)
        {
            throw c.Fail(at, text, "must be a port 0..65535 or a range low-high");
        }

        return (low, high);
    }

    private sealed class Context(ClassifierOptions options)
    {
        public ProfileException Fail(string path, string? value, string rule)
        {
            for (string at = path; ; at = at.Substring(0, Math.Max(at.LastIndexOfAny(['.', '[']), 0)))
            {
                if (options.Positions.TryGetValue(at, out var where))
                {
                    return new ProfileException(path, value, rule, where.Line, where.Column);
                }

                if (at.Length == 0)
                {
                    return new ProfileException(path, value, rule, 0, 0);
                }
            }
        }
    }
}
