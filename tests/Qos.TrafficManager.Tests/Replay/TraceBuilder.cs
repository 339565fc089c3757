using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Qos.TrafficManager.Tests.Replay;

/// <summary>Builds an input trace from periodic flows and single rows, merged in time order (ties in the order added).</summary>
internal sealed class TraceBuilder
{
    private readonly List<Arrival> _rows = new();

    public bool WithColor { get; init; }

    public IReadOnlyList<Arrival> Arrivals => _rows.OrderBy(r => r.TimeNs).ThenBy(r => r.Sequence).ToList();

    public TraceBuilder Row(long timeNs, int length, int subport, int pipe, int tc, int queue = 0, string color = "green")
    {
        _rows.Add(new Arrival(timeNs, _rows.Count, length, subport, pipe, tc, queue, color));
        return this;
    }

    /// <summary>A packet every <paramref name="intervalNs"/> from <paramref name="startNs"/> (inclusive) to <paramref name="endNs"/> (exclusive).</summary>
    public TraceBuilder Flow(int subport, int pipe, int tc, int queue, int length, long intervalNs, long startNs, long endNs, string color = "green")
    {
        for (long t = startNs; t < endNs; t += intervalNs)
        {
            Row(t, length, subport, pipe, tc, queue, color);
        }

        return this;
    }

    public byte[] ToCsv()
    {
        var sb = new StringBuilder(WithColor ? "time_ns,length,subport,pipe,tc,queue,color\n" : "time_ns,length,subport,pipe,tc,queue\n");
        foreach (var r in Arrivals)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{r.TimeNs},{r.Length},{r.Subport},{r.Pipe},{r.Tc},{r.Queue}");
            sb.Append(WithColor ? "," + r.Color + "\n" : "\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public sealed record Arrival(long TimeNs, int Sequence, int Length, int Subport, int Pipe, int Tc, int Queue, string Color);
}
