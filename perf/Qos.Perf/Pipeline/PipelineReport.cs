using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using Qos.TrafficManager.Pipeline;

namespace Qos.Perf.Pipeline;

/// <summary>What <c>qos-perf pipeline</c> measured: the timed window (after the warm-up) and the run's final accounting.</summary>
internal sealed class PipelineReport(string profile, string frames, int workers, long workNs, double skew, string load, long[] rates,
    double seconds, PipelineStats before, PipelineStats after, PipelineStats final, long allocated)
{
    private long Sent => after.Sent - before.Sent;

    private double Mpps => Sent / seconds / 1e6;

    private double LineRatePercent(int port) =>
        (after.Ports[port].SentWireBytes - before.Ports[port].SentWireBytes) / (seconds * rates[port]) * 100;

    public string ToTable()
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine(c, $"pipeline  {Path.GetFileName(profile)}, {frames} frames, load {load}, {workers} worker(s), work {workNs} ns (worker 0 x{skew})");
        s.AppendLine(c, $"  timed      {seconds:F2} s after the warm-up");
        s.AppendLine(c, $"  sent       {Mpps:F3} Mpps ({Sent} frames)");
        for (int p = 0; p < after.Ports.Count; p++)
        {
            s.AppendLine(c, $"  port {p}     {LineRatePercent(p):F2}% of line rate (frame overhead included), {after.Ports[p].Queued} queued at the end");
        }

        s.AppendLine(c, $"  latency    p50 {after.LatencyP50Nanoseconds / 1000.0:F1} µs, p99 {after.LatencyP99Nanoseconds / 1000.0:F1} µs (RX to TX queue)");
        s.AppendLine(c, $"  migrations {after.Migrations - before.Migrations}; worker loads {string.Join(" ", Array.ConvertAll([.. after.WorkerLoads], l => l.ToString("F2", c)))}");
        s.AppendLine(c, $"  allocated  {allocated} bytes in the timed window");
        s.AppendLine(c, $"  whole run  offered {final.Offered} = sent {final.Sent} + dropped {final.Drops.Total} + flushed {final.Flushed}{(final.Offered == final.Sent + final.Drops.Total + final.Flushed ? "" : "  (MISMATCH)")}");
        var d = final.Drops;
        s.AppendLine(c, $"  dropped    rx_backpressure {d.RxBackpressure}, rx_no_buffer {d.RxNoBuffer}, queue_full {d.QueueFull}, red {d.Red}, pie {d.Pie}, worker {d.Worker}");
        s.Append(c, $"  order      {final.OrderViolations} violations");
        return s.ToString();
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("command", "pipeline");
            json.WriteString("profile", profile);
            json.WriteString("frames", frames);
            json.WriteString("load", load);
            json.WriteNumber("workers", workers);
            json.WriteNumber("work_ns", workNs);
            json.WriteNumber("skew", skew);
            json.WriteNumber("seconds", seconds);
            json.WriteNumber("offered_packets", final.Offered);
            json.WriteNumber("sent_packets", final.Sent);
            json.WriteNumber("dropped_packets", final.Drops.Total);
            json.WriteStartObject("dropped");
            json.WriteNumber("rx_backpressure", final.Drops.RxBackpressure);
            json.WriteNumber("rx_no_buffer", final.Drops.RxNoBuffer);
            json.WriteNumber("queue_full", final.Drops.QueueFull);
            json.WriteNumber("red", final.Drops.Red);
            json.WriteNumber("pie", final.Drops.Pie);
            json.WriteNumber("worker", final.Drops.Worker);
            json.WriteEndObject();
            json.WriteNumber("flushed_packets", final.Flushed);
            json.WriteBoolean("conserved", final.Offered == final.Sent + final.Drops.Total + final.Flushed);
            json.WriteNumber("order_violations", final.OrderViolations);
            json.WriteNumber("timed_sent_packets", Sent);
            json.WriteNumber("mpps", Math.Round(Mpps, 4));
            json.WriteStartArray("line_rate_pct");
            for (int p = 0; p < after.Ports.Count; p++)
            {
                json.WriteNumberValue(Math.Round(LineRatePercent(p), 3));
            }

            json.WriteEndArray();
            json.WriteStartObject("latency_ns");
            json.WriteNumber("p50", after.LatencyP50Nanoseconds);
            json.WriteNumber("p99", after.LatencyP99Nanoseconds);
            json.WriteEndObject();
            json.WriteNumber("migrations", after.Migrations - before.Migrations);
            json.WriteStartArray("worker_loads");
            foreach (double l in after.WorkerLoads)
            {
                json.WriteNumberValue(Math.Round(l, 4));
            }

            json.WriteEndArray();
            json.WriteNumber("allocated_bytes", allocated);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
