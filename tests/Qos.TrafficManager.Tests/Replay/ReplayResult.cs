using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using Qos.TrafficManager.Profiles;
using Qos.TrafficManager.Replay;

namespace Qos.TrafficManager.Tests.Replay;

/// <summary>A replay run in memory: the departures read back from the output CSV, and the JSON summary.</summary>
internal sealed class ReplayResult
{
    private ReplayResult(long portRate, int overhead, byte[] output, string json)
    {
        PortRate = portRate;
        Overhead = overhead;
        Output = output;
        Json = json;
        Document = JsonDocument.Parse(json);
        Departures = ParseDepartures(output);
    }

    public long PortRate { get; }

    public int Overhead { get; }

    public byte[] Output { get; }

    public string Json { get; }

    public JsonDocument Document { get; }

    public IReadOnlyList<Departure> Departures { get; }

    public static ReplayResult Run(string yaml, byte[] trace, long idleStepNs = 1000)
    {
        var config = ProfileLoader.Parse(yaml);
        using var input = new MemoryStream(trace);
        using var output = new MemoryStream();
        var summary = TraceReplay.Run(config, input, output, new ReplayOptions { IdleStepNanoseconds = idleStepNs });
        return new ReplayResult(config.Rate, config.FrameOverhead, output.ToArray(), summary.ToJson());
    }

    /// <summary>A class's counters in the JSON summary.</summary>
    public JsonElement Class(int subport, int tc)
    {
        var element = Document.RootElement.GetProperty("subports")[subport].GetProperty("classes")[tc];
        Assert.That(element.GetProperty("tc").GetInt32(), Is.EqualTo(tc));
        return element;
    }

    public static long Count(JsonElement counters, string name) => counters.GetProperty(name).GetProperty("packets").GetInt64();

    public static long Dropped(JsonElement counters, string reason) =>
        counters.GetProperty("dropped").GetProperty(reason).GetProperty("packets").GetInt64();

    /// <summary>Line bytes (length + overhead) of the departures matching <paramref name="filter"/> that left in [from, to).</summary>
    public long LineBytes(Func<Departure, bool> filter, long fromNs, long toNs) =>
        Departures.Where(d => d.DepartNs >= fromNs && d.DepartNs < toNs && filter(d)).Sum(d => (long)d.Length + Overhead);

    /// <summary>The line carries one packet at a time: each departure waits for the previous one to be on the wire.</summary>
    public void AssertLineIsRespected()
    {
        for (int i = 1; i < Departures.Count; i++)
        {
            var previous = Departures[i - 1];
            long wire = (long)((previous.Length + Overhead) * 1_000_000_000L / PortRate);
            Assert.That(Departures[i].DepartNs - previous.DepartNs, Is.GreaterThanOrEqualTo(wire),
                $"departure {i} starts after departure {i - 1} ({previous.Length} + {Overhead} B) is on the wire");
        }
    }

    /// <summary>Offered = sent + dropped for every class, subport and the total (the queues are empty at the end).</summary>
    public void AssertConservation()
    {
        var root = Document.RootElement;
        AssertBalanced(root.GetProperty("total"), "total");
        foreach (var subport in root.GetProperty("subports").EnumerateArray())
        {
            AssertBalanced(subport, "subport");
            foreach (var tc in subport.GetProperty("classes").EnumerateArray())
            {
                AssertBalanced(tc, $"class {tc.GetProperty("tc").GetInt32()}");
            }
        }

        Assert.That(Count(root.GetProperty("total"), "sent"), Is.EqualTo(Departures.Count), "one output row per packet sent");
    }

    private static void AssertBalanced(JsonElement e, string what)
    {
        long byReason = Dropped(e, "queue_full") + Dropped(e, "red") + Dropped(e, "pie");
        Assert.That(e.GetProperty("dropped").GetProperty("packets").GetInt64(), Is.EqualTo(byReason), $"{what}: drops by reason add up");
        Assert.That(Count(e, "offered"), Is.EqualTo(Count(e, "sent") + byReason), $"{what}: offered = sent + dropped");
    }

    private static List<Departure> ParseDepartures(byte[] output)
    {
        string[] lines = Encoding.UTF8.GetString(output).Split('\n');
        Assert.That(lines[0], Is.EqualTo("depart_ns,length,subport,pipe,tc,queue"), "the output header");
        Assert.That(lines[^1], Is.Empty, "the output ends with a newline");
        var result = new List<Departure>(lines.Length);
        for (int i = 1; i < lines.Length - 1; i++)
        {
            long[] f = Array.ConvertAll(lines[i].Split(','), s => long.Parse(s, CultureInfo.InvariantCulture));
            Assert.That(f, Has.Length.EqualTo(6));
            result.Add(new Departure(f[0], (int)f[1], (int)f[2], (int)f[3], (int)f[4], (int)f[5]));
        }

        return result;
    }

    public readonly record struct Departure(long DepartNs, int Length, int Subport, int Pipe, int Tc, int Queue);
}
