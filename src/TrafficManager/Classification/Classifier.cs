using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Profiles;
using TcConst = Qos.Shaping.TrafficClasses.TrafficClass;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// Turns a frame into a scheduler path and a flow id: parse (<see cref="FrameParser"/>), look the flow up in the
/// offload table, and on a miss take the slow path (the ordered rules, then the field mapping) and offer the flow
/// to the table. Frames that cannot be parsed are counted and get the default path. Allocation-free per frame.
/// </summary>
/// <remarks>
/// Time is an argument: <c>now</c> is a monotonic time in nanoseconds; when it reaches the end of the offload
/// interval the table is rebalanced (or, with rebalancing off, its rates are reset). One thread owns a classifier.
/// </remarks>
public sealed class Classifier
{
    private readonly ClassifierRule[] _rules;
    private readonly FieldMapping _subport;
    private readonly FieldMapping _pipe;
    private readonly FieldMapping _trafficClass;
    private readonly FieldMapping _queue;
    private readonly FieldMapping _color;
    private readonly int[] _pipeCounts;
    private readonly bool[] _classEnabled;
    private readonly ulong _defaultRoute;
    private readonly OffloadTable? _table;
    private readonly bool _rebalance;
    private readonly long _interval;
    private readonly long[] _errors = new long[Enum.GetValues<FrameError>().Length];
    private long _nextInterval;
    private long _frames;
    private long _nonIp;
    private long _ruleHits;
    private long _slowPath;

    internal Classifier(
        ClassifierRule[] rules, FieldMapping subport, FieldMapping pipe, FieldMapping trafficClass, FieldMapping queue, FieldMapping color,
        int[] pipeCounts, bool[] classEnabled, ulong defaultRoute, OffloadOptions offload, long now)
    {
        _rules = rules;
        _subport = subport;
        _pipe = pipe;
        _trafficClass = trafficClass;
        _queue = queue;
        _color = color;
        _pipeCounts = pipeCounts;
        _classEnabled = classEnabled;
        _defaultRoute = defaultRoute;
        _rebalance = offload.Rebalance;
        _interval = Math.Max(1, offload.Interval.Ticks * 100);
        _nextInterval = now + _interval;
        if (offload.Entries > 0)
        {
            int pending = offload.Pending > 0 ? offload.Pending : offload.Entries;
            _table = new OffloadTable(offload.Entries, pending, offload.MaxSwaps, offload.PendingSample, now);
        }
    }

    /// <summary>Compiles <paramref name="options"/> and checks every path they can produce against <paramref name="port"/>.</summary>
    /// <param name="options">The classifier configuration.</param>
    /// <param name="port">The port whose hierarchy the paths must be in.</param>
    /// <param name="now">The start of the first offload interval, in nanoseconds.</param>
    /// <exception cref="ProfileException">An option is invalid; the path names it as in YAML (<c>classifier.rules[1].ipv4_dst</c>).</exception>
    public static Classifier Create(ClassifierOptions options, PortConfig port, long now = 0) => ClassifierCompiler.Compile(options, port, now);

    /// <summary>Classifies one frame.</summary>
    /// <param name="frame">The frame from its Ethernet header on.</param>
    /// <param name="now">The current time in nanoseconds (monotonic).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ClassifiedPath Classify(ReadOnlySpan<byte> frame, long now)
    {
        if (now - _nextInterval >= 0)
        {
            EndInterval(now);
        }

        _frames++;
        var parsed = default(ParsedFrame);
        var error = FrameParser.Parse(frame, ref parsed);
        if (error != FrameError.None)
        {
            _errors[(int)error]++;
            return new ClassifiedPath(_defaultRoute, 0, error);
        }

        if (parsed.IpVersion == 0)
        {
            _nonIp++;
        }

        var key = new FlowKey(in parsed);
        ulong flowId;
        ulong route;
        if (_table is null)
        {
            flowId = key.FlowId;
            route = SlowPath(in key, flowId);
        }
        else if (!_table.TryLookup(in key, out ulong hash, out route, out flowId))
        {
            // Why here and not before the lookup: a hit returns the stored flow id, and skipping its six dependent
            // multiplies is a good part of what makes a hit cheaper than the rule path.
            flowId = key.FlowId;
            route = SlowPath(in key, flowId);
            _table.AddMiss(in key, hash, flowId, route);
        }

        return new ClassifiedPath(route, flowId, FrameError.None);
    }

    /// <summary>Classifies one frame into a scheduler descriptor.</summary>
    /// <param name="frame">The frame from its Ethernet header on.</param>
    /// <param name="handle">The application's reference to the frame.</param>
    /// <param name="now">The current time in nanoseconds (monotonic).</param>
    /// <param name="flowId">The flow id, for spreading flows over cores.</param>
    public Packet Classify(ReadOnlySpan<byte> frame, ulong handle, long now, out ulong flowId)
    {
        var path = Classify(frame, now);
        flowId = path.FlowId;
        return path.ToPacket(handle, frame.Length);
    }

    /// <summary>The counters so far.</summary>
    public ClassifierStats ReadStats()
    {
        long malformed = 0;
        foreach (long n in _errors)
        {
            malformed += n;
        }

        return new ClassifierStats
        {
            Frames = _frames,
            NonIp = _nonIp,
            RuleHits = _ruleHits,
            SlowPath = _slowPath,
            Errors = (long[])_errors.Clone(),
            Malformed = malformed,
            Offload = _table?.Stats ?? default,
        };
    }

    /// <summary>The offload table, for tests and benchmarks.</summary>
    internal OffloadTable? Table => _table;

    /// <summary>Ends the interval now: rebalances (when enabled) and resets the rates; the next interval starts now.</summary>
    /// <param name="now">The current time in nanoseconds.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void EndInterval(long now)
    {
        _table?.Rebalance(now, _rebalance);
        _nextInterval = now + _interval;
    }

    private ulong SlowPath(in FlowKey key, ulong flowId)
    {
        _slowPath++;
        foreach (ref readonly var rule in _rules.AsSpan())
        {
            if (rule.Matches(in key))
            {
                _ruleHits++;
                return rule.Route;
            }
        }

        int subport = _subport.Resolve(in key, flowId, _pipeCounts.Length);
        int pipe = _pipe.Resolve(in key, flowId, _pipeCounts[subport]);
        int tc = _trafficClass.Resolve(in key, flowId, TcConst.Count);
        if (!_classEnabled[subport * TcConst.Count + tc])
        {
            tc = TcConst.BestEffort;
        }

        int queue = tc == TcConst.BestEffort ? _queue.Resolve(in key, flowId, TcConst.BestEffortQueues) : 0;
        int color = _color.Resolve(in key, flowId, 3);
        Debug.Assert(pipe < _pipeCounts[subport], "mapping defaults are checked against every subport's pipe count");
        return ClassifiedPath.Pack(subport, pipe, tc, queue, color);
    }
}
