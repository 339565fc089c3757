using System;
using System.Linq;
using NUnit.Framework;
using Qos.TrafficManager.Classification;

namespace Qos.TrafficManager.Tests.Classification;

[TestFixture]
public sealed class OffloadClassifierTests
{
    private const long Second = 1_000_000_000;

    private static ClassifierOptions Options(int entries, bool rebalance)
    {
        var o = ClassifierLoader.Parse("""
            classifier:
              subport: { field: vlan.outer, default: 0 }
              pipe:    { field: ipv4.src, mask: 0x3f }
              tc:      { field: dscp, map: { 46: 0, 34: 1 }, default: 12 }
              queue:   { field: flow_hash, mask: 3 }
              rules:
                - { ipv4_src: 10.0.0.0/30, path: { subport: 1, pipe: 63, tc: 2 } }
            """);
        o.Offload = new OffloadOptions { Entries = entries, Rebalance = rebalance, Interval = TimeSpan.FromSeconds(1), MaxSwaps = 4 };
        return o;
    }

    private static byte[] Frame(int flow, int vlan = 1, byte dscp = 0) =>
        new FrameBuilder { Source4 = 0x0A000000u + (uint)flow, Dscp = dscp }.Vlan(0x8100, vlan).Build();

    [Test]
    public void An_offloaded_flow_gets_the_same_path_as_the_rule_path()
    {
        var withTable = Classifier.Create(Options(8, rebalance: true), ClassifierTests.Port());
        var without = Classifier.Create(Options(0, rebalance: false), ClassifierTests.Port());
        var rng = new Random(7);
        for (int i = 0; i < 5000; i++)
        {
            var frame = Frame(rng.Next(40), rng.Next(2), (byte)(rng.Next(3) switch { 0 => 46, 1 => 34, _ => 0 }));
            long now = i * (Second / 1000);
            Assert.That(withTable.Classify(frame, now).ToString(), Is.EqualTo(without.Classify(frame, now).ToString()));
        }

        var s = withTable.ReadStats().Offload;
        Assert.That(s.Hits, Is.GreaterThan(0));
        Assert.That(s.Offloaded, Is.EqualTo(8));
        Assert.That(without.ReadStats().Offload.Lookups, Is.Zero, "entries: 0 turns the table off");
    }

    [Test]
    public void The_classifier_rebalances_once_per_interval_and_the_fast_late_flows_win_the_table()
    {
        var c = Classifier.Create(Options(4, rebalance: true), ClassifierTests.Port());
        for (int f = 0; f < 4; f++)
        {
            c.Classify(Frame(f), 0); // four early, slow flows fill the table
        }

        for (int i = 0; i < 100; i++)
        {
            c.Classify(Frame(10 + (i % 2)), Second / 2); // two late, fast flows wait
        }

        Assert.That(c.ReadStats().Offload.OutOfResources, Is.True);
        Assert.That(c.ReadStats().Offload.Rebalances, Is.Zero);
        c.Classify(Frame(10), Second); // the interval ends before this frame
        var s = c.ReadStats().Offload;
        Assert.That((s.Rebalances, s.Swaps), Is.EqualTo((1L, 2L)));
        Assert.That(s.Hits, Is.EqualTo(1), "the frame after the rebalance hits the table");
    }

    [Test]
    public void Without_rebalancing_the_late_fast_flows_stay_on_the_rule_path()
    {
        var c = Classifier.Create(Options(4, rebalance: false), ClassifierTests.Port());
        for (int f = 0; f < 4; f++)
        {
            c.Classify(Frame(f), 0);
        }

        for (int i = 0; i < 100; i++)
        {
            c.Classify(Frame(10 + (i % 2)), (i + 1) * Second / 10);
        }

        var s = c.ReadStats().Offload;
        Assert.That((s.Swaps, s.Hits, s.OutOfResources), Is.EqualTo((0L, 0L, true)));
        Assert.That(c.ReadStats().SlowPath, Is.EqualTo(104));
    }

    [Test]
    public void The_flow_id_is_pinned_so_that_it_is_the_same_in_every_run()
    {
        var c = Classifier.Create(Options(0, rebalance: false), ClassifierTests.Port());
        ulong id = c.Classify(new FrameBuilder().Build(), 0).FlowId;
        TestContext.Out.WriteLine($"flow id 0x{id:X16}");
        Assert.That(id, Is.EqualTo(PinnedFlowId), "changing the flow hash moves every flow to another core: do it on purpose");
        ulong[] ids = Enumerable.Range(0, 4096).Select(i => c.Classify(new FrameBuilder { SourcePort = (ushort)i }.Build(), 0).FlowId).ToArray();
        Assert.That(ids.Distinct().Count(), Is.EqualTo(4096));
        Assert.That(ids.Count(x => (x & 3) == 0), Is.InRange(900, 1150), "the low bits spread evenly (queue: flow_hash & 3)");
    }

    /// <summary>The flow id of FrameBuilder's default frame: UDP 10.0.0.1:1234 → 10.1.2.3:80.</summary>
    private const ulong PinnedFlowId = 0x75F1FC67143BE815UL;
}
