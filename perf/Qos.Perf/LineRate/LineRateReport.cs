using System;
using System.Globalization;
using System.Text;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Stats;

namespace Qos.Perf.LineRate;

/// <summary>Counters of a line-rate run and the report printed from them.</summary>
public sealed class LineRateReport
{
    private readonly PortConfig _config;
    private readonly long[] _classPackets = new long[TrafficClass.Count];
    private readonly long[] _classLineBytes = new long[TrafficClass.Count];
    private readonly long[] _classLimits = new long[TrafficClass.Count];
    private readonly DropCounters[] _drops = new DropCounters[TrafficClass.Count];
    private readonly long[] _classLineBytesAtLastSecond = new long[TrafficClass.Count];
    private long _elapsedLine;
    private long _idleWire;
    private long _idleWhileBacklogged;
    private long _queuedAtEnd;

    public LineRateReport(PortConfig config, string frames, string mix, double load, int pipes)
    {
        _config = config;
        Frames = frames;
        Mix = mix;
        Load = load;
        Pipes = pipes;
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            long limit = 0;
            foreach (var subport in config.Subports)
            {
                if (subport.QueueSizes[tc] == 0)
                {
                    continue;
                }

                long pipes2 = 0;
                foreach (var group in subport.Pipes)
                {
                    pipes2 += group.Count * Math.Min(config.PipeProfiles[group.Profile].ClassRates[tc], config.PipeProfiles[group.Profile].Rate);
                }

                var sp = config.SubportProfiles[subport.Profile];
                limit += Math.Min(Math.Min(sp.ClassRates[tc], sp.Rate), pipes2);
            }

            _classLimits[tc] = Math.Min(limit, config.Rate);
        }
    }

    public string Frames { get; }

    public string Mix { get; }

    public double Load { get; }

    public int Pipes { get; }

    public long OfferedPackets { get; set; }

    public long OfferedBytes { get; set; }

    public long SentPackets { get; private set; }

    public long SentBytes { get; private set; }

    public long SentLineBytes { get; private set; }

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Per second of the run: the time and each class's rate in Mb/s (line bytes) over that second.</summary>
    public System.Collections.Generic.List<(double Time, double[] ClassMbps)> ClassRateSeries { get; } = new();

    /// <summary>Each class's configured limit in Mb/s.</summary>
    public double LimitMbps(int trafficClass) => _classLimits[trafficClass] * 8 / 1e6;

    /// <summary>Records each class's rate over the second that just ended (outside the measured loop's allocations).</summary>
    public void RecordSecond(double time, double seconds)
    {
        var rates = new double[TrafficClass.Count];
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            rates[tc] = (_classLineBytes[tc] - _classLineBytesAtLastSecond[tc]) * 8 / seconds / 1e6;
            _classLineBytesAtLastSecond[tc] = _classLineBytes[tc];
        }

        ClassRateSeries.Add((time, rates));
    }

    public double Headroom { get; private set; }

    public long AllocatedBytes { get; private set; }

    /// <summary>The classifier's counters at the end, when a capture was the source.</summary>
    public Qos.TrafficManager.Classification.ClassifierStats? Classifier { get; set; }

    public void Sent(int trafficClass, int length, int overhead, long latencyNs)
    {
        SentPackets++;
        SentBytes += length;
        SentLineBytes += length + overhead;
        _classPackets[trafficClass]++;
        _classLineBytes[trafficClass] += length + overhead;
        Latency.Record(latencyNs);
    }

    /// <summary>Forgets what was counted so far (the end of the warm-up).</summary>
    public void Reset()
    {
        OfferedPackets = OfferedBytes = SentPackets = SentBytes = SentLineBytes = 0;
        System.Array.Clear(_classPackets);
        System.Array.Clear(_classLineBytes);
        System.Array.Clear(_classLineBytesAtLastSecond);
        ClassRateSeries.Clear();
        Latency.Clear();
    }

    public Snapshot Take(long idleWhileBacklogged) => new(OfferedPackets, OfferedBytes, SentPackets, SentBytes, SentLineBytes, idleWhileBacklogged);

    public string ProgressLine(double t, Snapshot a, Snapshot b, double seconds)
    {
        double rate = _config.Rate;
        double achieved = (b.SentLineBytes - a.SentLineBytes) / (rate * seconds);
        return string.Create(CultureInfo.InvariantCulture,
            $"t={t,5:F1}s  offered {Gbps(b.OfferedBytes - a.OfferedBytes, seconds),6:F2} Gb/s {(b.OfferedPackets - a.OfferedPackets) / seconds / 1e6,6:F2} Mpps  sent {Gbps(b.SentBytes - a.SentBytes, seconds),6:F2} Gb/s {(b.SentPackets - a.SentPackets) / seconds / 1e6,6:F2} Mpps  line {achieved * 100,6:F2}%  idle-while-backlogged {(b.IdleWhileBacklogged - a.IdleWhileBacklogged) * 100.0 / (rate * seconds),5:F2}%");
    }

    public void Finish(long elapsedLine, long idleWire, long idleWhileBacklogged, double headroom, long allocatedBytes, PortScheduler scheduler)
    {
        _elapsedLine = elapsedLine;
        _idleWire = idleWire;
        _idleWhileBacklogged = idleWhileBacklogged;
        Headroom = headroom;
        AllocatedBytes = allocatedBytes;
        _queuedAtEnd = scheduler.QueuedPackets;
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            var sum = default(DropCounters);
            for (int s = 0; s < _config.Subports.Count; s++)
            {
                var d = scheduler.ReadClassStats(s, tc).Dropped;
                sum = new DropCounters(sum.QueueFull + d.QueueFull, sum.Red + d.Red, sum.Pie + d.Pie);
            }

            _drops[tc] = sum;
        }
    }

    private double Seconds => _elapsedLine / (double)_config.Rate;

    private double LineShare => _elapsedLine == 0 ? 0 : (double)SentLineBytes / _elapsedLine;

    private double IdleWhileBackloggedShare => _elapsedLine == 0 ? 0 : (double)_idleWhileBacklogged / _elapsedLine;

    private static double Gbps(long bytes, double seconds) => bytes * 8 / seconds / 1e9;

    public string ToTable(string profile)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        double s = Seconds;
        sb.AppendLine(inv, $"linerate: {profile}, {_config.Rate * 8 / 1e9:F1} Gb/s line, {Pipes} pipes, frames {Frames}, mix {Mix}, load {Load:F2}, {s:F2} s");
        sb.AppendLine(inv, $"  offered   {OfferedPackets / s / 1e6,8:F3} Mpps  {Gbps(OfferedBytes, s),8:F3} Gb/s");
        sb.AppendLine(inv, $"  achieved  {SentPackets / s / 1e6,8:F3} Mpps  {Gbps(SentBytes, s),8:F3} Gb/s  = {LineShare * 100:F3}% of line rate (with frame overhead)");
        sb.AppendLine(inv, $"  wire idle while packets waited: {IdleWhileBackloggedShare * 100:F3}%   wire idle in all: {_idleWire * 100.0 / Math.Max(1, _elapsedLine):F3}%");
        sb.AppendLine(inv, $"  scheduler CPU headroom (turns with nothing to do): {Headroom * 100:F1}%");
        sb.AppendLine(inv, $"  latency of sent packets (queueing, ns): p50 {Latency.Quantile(0.5)}  p99 {Latency.Quantile(0.99)}  p99.9 {Latency.Quantile(0.999)}");
        sb.AppendLine(inv, $"  allocated in the run loop: {AllocatedBytes} bytes ({(SentPackets == 0 ? 0 : (double)AllocatedBytes / SentPackets):F4} per packet); queued at the end: {_queuedAtEnd}");
        if (Classifier is { } c)
        {
            var o = c.Offload;
            sb.AppendLine(inv, $"  classifier: {c.Frames} frames, {c.Malformed} malformed, offload hit rate {o.HitRate * 100:F2}% ({o.Offloaded} of {o.Capacity} flows, {o.Pending} pending, {o.Swaps} swaps)");
        }

        sb.AppendLine("  class  achieved Mb/s     limit Mb/s   of limit   dropped: queue-full        red        pie");
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            double achieved = _classLineBytes[tc] * 8 / s / 1e6;
            double limit = _classLimits[tc] * 8 / 1e6;
            sb.AppendLine(inv, $"  {tc,5}  {achieved,13:F3}  {limit,13:F3}  {(limit > 0 ? achieved / limit * 100 : 0),8:F2}%  {_drops[tc].QueueFull.Packets,19}  {_drops[tc].Red.Packets,9}  {_drops[tc].Pie.Packets,9}");
        }

        return sb.ToString();
    }

    public string ToJson(string profile)
    {
        var inv = CultureInfo.InvariantCulture;
        double s = Seconds;
        var sb = new StringBuilder();
        sb.Append(inv, $"{{\"command\":\"linerate\",\"profile\":\"{profile.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\",\"line_gbps\":{_config.Rate * 8 / 1e9:F3},\"pipes\":{Pipes},\"frames\":\"{Frames}\",\"mix\":\"{Mix}\",\"load\":{Load:F3},\"seconds\":{s:F3},");
        sb.Append(inv, $"\"offered_mpps\":{OfferedPackets / s / 1e6:F4},\"offered_gbps\":{Gbps(OfferedBytes, s):F4},\"achieved_mpps\":{SentPackets / s / 1e6:F4},\"achieved_gbps\":{Gbps(SentBytes, s):F4},");
        sb.Append(inv, $"\"line_rate_pct\":{LineShare * 100:F4},\"idle_while_backlogged_pct\":{IdleWhileBackloggedShare * 100:F4},\"wire_idle_pct\":{_idleWire * 100.0 / Math.Max(1, _elapsedLine):F4},\"cpu_headroom_pct\":{Headroom * 100:F2},");
        sb.Append(inv, $"\"latency_ns\":{{\"p50\":{Latency.Quantile(0.5)},\"p99\":{Latency.Quantile(0.99)},\"p999\":{Latency.Quantile(0.999)}}},\"allocated_bytes\":{AllocatedBytes},\"sent_packets\":{SentPackets},\"queued_at_end\":{_queuedAtEnd},\"classes\":[");
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            sb.Append(inv, $"{(tc > 0 ? "," : "")}{{\"tc\":{tc},\"achieved_mbps\":{_classLineBytes[tc] * 8 / s / 1e6:F4},\"limit_mbps\":{_classLimits[tc] * 8 / 1e6:F4},\"dropped\":{{\"queue_full\":{_drops[tc].QueueFull.Packets},\"red\":{_drops[tc].Red.Packets},\"pie\":{_drops[tc].Pie.Packets}}}}}");
        }

        sb.Append(']');
        if (Classifier is { } c)
        {
            var o = c.Offload;
            sb.Append(inv, $",\"classifier\":{{\"frames\":{c.Frames},\"malformed\":{c.Malformed},\"slow_path\":{c.SlowPath},\"offload_hit_rate\":{o.HitRate:F6},\"offloaded\":{o.Offloaded},\"pending\":{o.Pending},\"swaps\":{o.Swaps}}}");
        }

        sb.Append('}');
        return sb.ToString();
    }

    public readonly record struct Snapshot(long OfferedPackets, long OfferedBytes, long SentPackets, long SentBytes, long SentLineBytes, long IdleWhileBacklogged);
}
