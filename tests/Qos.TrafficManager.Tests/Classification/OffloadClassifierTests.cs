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

    [TestCase(1)]
    [TestCase(16)]
    public void The_table_never_changes_a_result_only_its_cost(int pendingSample)
    {
        // A mix of every shape the parser reads, from 300 flows of which 12 carry most frames, over a 16-entry table
        // rebalanced every 5 ms: offloads, swaps, pending samples and bucket-free misses all happen.
        var options = ClassifierLoader.Parse(ClassifierTests.Yaml);
        options.Offload = new OffloadOptions { Entries = 16, Rebalance = true, Interval = TimeSpan.FromMilliseconds(5), MaxSwaps = 8, PendingSample = pendingSample };
        var withTable = Classifier.Create(options, ClassifierTests.Port());
        var plain = ClassifierLoader.Parse(ClassifierTests.Yaml);
        plain.Offload = new OffloadOptions { Entries = 0 };
        var without = Classifier.Create(plain, ClassifierTests.Port());
        var rng = new Random(20261202);
        byte[] dscps = [0, 46, 34, 26, 10, 12, 14, 7];
        for (int i = 0; i < 60_000; i++)
        {
            int flow = rng.Next(10) < 8 ? rng.Next(12) : rng.Next(300);
            var b = new FrameBuilder
            {
                IpVersion = flow % 23 == 0 ? 0 : flow % 5 == 0 ? 6 : 4,
                Protocol = (byte)(flow % 3 == 0 ? 6 : 17),
                Source4 = 0x0A000000u + (uint)flow,
                Destination4 = flow % 7 == 0 ? 0xC0A80101u : 0x0A010203u,
                Source6 = ((UInt128)0x20010DB8 << 96) | (uint)flow,
                Destination6 = flow % 2 == 0 ? (UInt128.One << 127) | 5 : 5,
                DestinationPort = (ushort)(flow % 7 == 0 ? 5060 + (flow % 3) : 80),
                SourcePort = (ushort)(1000 + (flow % 17)),
                Dscp = dscps[(flow + (rng.Next(8) == 0 ? 1 : 0)) % dscps.Length],
                FragmentField = (ushort)(flow % 11 == 0 ? 0x2000 | (rng.Next(2) * 185) : 0),
            };
            if (flow % 4 != 3)
            {
                b.Vlan(0x88A8, flow % 2 == 0 ? 100 : 200);
            }

            if (flow % 4 == 1)
            {
                b.Vlan(0x8100, flow % 70);
            }

            byte[] frame = b.Build();
            if (flow % 29 == 0)
            {
                frame = frame.AsSpan(0, 14 + rng.Next(30)).ToArray(); // truncated
            }

            long now = i * 1000L;
            Assert.That(withTable.Classify(frame, now).ToString(), Is.EqualTo(without.Classify(frame, now).ToString()), $"frame {i} (flow {flow})");
        }

        var s = withTable.ReadStats().Offload;
        TestContext.Out.WriteLine($"hit rate {s.HitRate:P1}, swaps {s.Swaps}, promotions {s.Promotions}, sampled {s.Sampled}, bucket full {s.BucketFull}");
        Assert.That(s.Offloaded, Is.EqualTo(16));
        Assert.That(s.HitRate, Is.GreaterThan(0.3), "the heavy flows are offloaded");
        Assert.That(s.Swaps, Is.Positive, "flows move between the table and the pending set");
        Assert.That(s.Sampled, Is.Positive);
        Assert.That(withTable.ReadStats().Malformed, Is.EqualTo(without.ReadStats().Malformed).And.Positive);
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
