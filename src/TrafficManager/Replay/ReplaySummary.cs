using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using Qos.TrafficManager.Stats;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// The outcome of a replay: offered, sent and dropped (by reason) per class, per subport and in total, and the virtual
/// duration. <see cref="WriteJson"/> writes it in a fixed layout, so the same replay gives byte-identical JSON.
/// </summary>
public sealed class ReplaySummary
{
    internal ReplaySummary(long durationNanoseconds, IReadOnlyList<SubportReplaySummary> subports)
    {
        DurationNanoseconds = durationNanoseconds;
        Subports = subports;
        foreach (var subport in subports)
        {
            Total += subport.Total;
        }
    }

    /// <summary>Virtual time from 0 until the last packet finished transmission (or the last arrival, if later), in nanoseconds.</summary>
    public long DurationNanoseconds { get; }

    /// <summary>All subports together.</summary>
    public ReplayCounters Total { get; }

    /// <summary>Per subport, in index order.</summary>
    public IReadOnlyList<SubportReplaySummary> Subports { get; }

    /// <summary>The classifier's counters at the end, for a capture replay (<see cref="PcapReplay"/>); null for a CSV trace.</summary>
    public Classification.ClassifierStats? Classifier { get; internal set; }

    /// <summary>Writes the summary as indented JSON (snake_case names, <c>\n</c> line ends) to <paramref name="stream"/>.</summary>
    public void WriteJson(Stream stream)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n" });
        writer.WriteStartObject();
        writer.WriteNumber("duration_ns", DurationNanoseconds);
        writer.WritePropertyName("total");
        WriteCounters(writer, Total, null);
        writer.WriteStartArray("subports");
        foreach (var subport in Subports)
        {
            writer.WriteStartObject();
            writer.WriteNumber("subport", subport.Subport);
            WriteFields(writer, subport.Total);
            writer.WriteStartArray("classes");
            for (int tc = 0; tc < subport.Classes.Count; tc++)
            {
                WriteCounters(writer, subport.Classes[tc], tc);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (Classifier is { } c)
        {
            writer.WriteStartObject("classifier");
            writer.WriteNumber("frames", c.Frames);
            writer.WriteNumber("malformed", c.Malformed);
            writer.WriteNumber("non_ip", c.NonIp);
            writer.WriteNumber("slow_path", c.SlowPath);
            writer.WriteNumber("rule_hits", c.RuleHits);
            writer.WriteStartObject("offload");
            writer.WriteNumber("capacity", c.Offload.Capacity);
            writer.WriteNumber("offloaded", c.Offload.Offloaded);
            writer.WriteNumber("pending", c.Offload.Pending);
            writer.WriteNumber("lookups", c.Offload.Lookups);
            writer.WriteNumber("hits", c.Offload.Hits);
            writer.WriteNumber("swaps", c.Offload.Swaps);
            writer.WriteNumber("promotions", c.Offload.Promotions);
            writer.WriteBoolean("out_of_resources", c.Offload.OutOfResources);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.Flush();
        stream.WriteByte((byte)'\n');
    }

    /// <summary>The summary as the JSON text <see cref="WriteJson"/> writes.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        WriteJson(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteCounters(Utf8JsonWriter writer, ReplayCounters counters, int? trafficClass)
    {
        writer.WriteStartObject();
        if (trafficClass is { } tc)
        {
            writer.WriteNumber("tc", tc);
        }

        WriteFields(writer, counters);
        writer.WriteEndObject();
    }

    private static void WriteFields(Utf8JsonWriter writer, ReplayCounters counters)
    {
        WriteTraffic(writer, "offered", counters.Offered);
        WriteTraffic(writer, "sent", counters.Sent);
        writer.WriteStartObject("dropped");
        writer.WriteNumber("packets", counters.Dropped.Total.Packets);
        writer.WriteNumber("bytes", counters.Dropped.Total.Bytes);
        WriteTraffic(writer, "queue_full", counters.Dropped.QueueFull);
        WriteTraffic(writer, "red", counters.Dropped.Red);
        WriteTraffic(writer, "pie", counters.Dropped.Pie);
        writer.WriteEndObject();
    }

    private static void WriteTraffic(Utf8JsonWriter writer, string name, TrafficCounters traffic)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("packets", traffic.Packets);
        writer.WriteNumber("bytes", traffic.Bytes);
        writer.WriteEndObject();
    }
}
