using System.Linq;
using System.Text.Json;
using NUnit.Framework;
using Qos.Perf.LineRate;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;

namespace Qos.Perf.Tests;

/// <summary>
/// A short real-time run keeps every packet accounted for, whether the source runs on the scheduler's thread or on
/// an RX thread of its own. Only conservation is asserted, never a rate: the run's figures depend on the machine.
/// </summary>
[TestFixture]
public sealed class LineRateRunTests
{
    private static PortConfig Port()
    {
        long[] rates = Enumerable.Repeat(125_000_000L, TrafficClass.Count).ToArray();
        return new PortConfig
        {
            Rate = 125_000_000,
            SubportProfiles = [new SubportProfileConfig { Rate = 125_000_000, BucketSize = 100_000, ClassRates = rates, ClassPeriodMilliseconds = 10 }],
            PipeProfiles = [new PipeProfileConfig { Rate = 125_000_000 / 64, BucketSize = 10_000, ClassRates = rates.Select(_ => 125_000_000L / 64).ToArray(), ClassPeriodMilliseconds = 10, OversubscriptionWeight = 1, WrrWeights = [1, 1, 1, 1] }],
            Subports = [new SubportConfig { Profile = 0, QueueSizes = Enumerable.Repeat(4, TrafficClass.Count).ToArray(), Pipes = [new PipeGroup(64, 0)] }],
            TxLead = 256 * (1522 + 24),
        };
    }

    [TestCase(0)]
    [TestCase(1 << 10)]
    public void Every_offered_packet_is_sent_dropped_or_still_queued(int rxRing)
    {
        var config = Port();
        using var run = new LineRateRun(config, new TrafficSource(config, FrameMix.Parse("imix", 1522), "uniform", 7), "imix", load: 1.5, ring: 256, wake: 128, rxRing);
        run.Execute(warmup: 0, seconds: 1.0, () => false, progress: null);

        var r = run.Report;
        using var json = JsonDocument.Parse(r.ToJson("test"));
        long dropped = json.RootElement.GetProperty("classes").EnumerateArray()
            .Sum(c => c.GetProperty("dropped").EnumerateObject().Sum(d => d.Value.GetInt64()));
        long queued = json.RootElement.GetProperty("queued_at_end").GetInt64();
        Assert.That(r.OfferedPackets, Is.Positive);
        Assert.That(dropped, Is.Positive, "1.5 times the line rate overflows the queues");
        Assert.That(r.SentPackets + dropped + queued, Is.EqualTo(r.OfferedPackets), "conservation: offered = sent + dropped + queued");
        Assert.That(json.RootElement.GetProperty("frames").GetString(), rxRing > 0 ? Does.Contain("RX on its own thread") : Does.Not.Contain("RX"));
    }
}
