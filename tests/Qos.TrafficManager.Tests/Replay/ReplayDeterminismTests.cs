using NUnit.Framework;
using static Qos.TrafficManager.Tests.Replay.ReplayProfiles;

namespace Qos.TrafficManager.Tests.Replay;

[TestFixture]
public sealed class ReplayDeterminismTests
{
    [Test]
    public void The_same_profile_and_trace_give_byte_identical_outputs()
    {
        // RED draws random numbers and several pipes and classes compete: everything that could vary, varies here.
        const string red = """
                congestion:
                  red:
                    12: { green: { min: 16, max: 64, inv_prob: 4 }, yellow: { min: 8, max: 64, inv_prob: 4 },
                          red: { min: 4, max: 32, inv_prob: 2 }, weight_log2: 4 }
            """;
        string yaml = Port(pipeRate: "40mbps", pipes: 4, congestion: red);
        var trace = new TraceBuilder { WithColor = true };
        string[] colors = ["green", "yellow", "red"];
        for (int p = 0; p < 4; p++)
        {
            trace.Flow(0, p, tc: 12, queue: p, length: 300 + (100 * p), intervalNs: 60_000 + (7_000 * p), startNs: p * 333, endNs: 200_000_000, color: colors[p % 3]);
            trace.Flow(0, p, tc: p, queue: 0, length: 64, intervalNs: 250_000, startNs: 1_000 * p, endNs: 200_000_000);
        }

        byte[] csv = trace.ToCsv();
        var first = ReplayResult.Run(yaml, csv);
        var second = ReplayResult.Run(yaml, csv);

        Assert.That(ReplayResult.Dropped(first.Class(0, 12), "red"), Is.Positive, "the run exercises RED's random drops");
        Assert.That(second.Output, Is.EqualTo(first.Output), "departures CSV byte-identical");
        Assert.That(second.Json, Is.EqualTo(first.Json), "JSON summary byte-identical");
        first.AssertLineIsRespected();
        first.AssertConservation();
    }
}
