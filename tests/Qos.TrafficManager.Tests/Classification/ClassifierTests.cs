using System;
using System.Linq;
using NUnit.Framework;
using Qos.Shaping.Congestion;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Profiles;

namespace Qos.TrafficManager.Tests.Classification;

[TestFixture]
public sealed class ClassifierTests
{
    internal const string Yaml = """
        classifier:
          subport: { field: vlan.outer, map: { 100: 0, 200: 1 }, default: 0 }
          pipe:    { field: vlan.inner }
          tc:      { field: dscp, map: { 46: 0, 34: 1, 26: 2, 0: 12 }, default: 12 }
          queue:   { field: flow_hash, mask: 3 }
          color:   { field: dscp, map: { 10: green, 12: yellow, 14: red }, default: green }
          rules:
            - { ipv4_dst: 192.168.0.0/16, protocol: udp, dst_port: 5060-5061, path: { subport: 1, pipe: 7, tc: 3 } }
            - { ipv6_dst: "8000::/1", dscp: [46], path: { subport: 1, pipe: 8, tc: 0 } }
          default: { subport: 1, pipe: 9, tc: 12, queue: 3, color: red }
          offload: { entries: 16, rebalance: true, interval: 3s }
        """;

    internal static PortConfig Port(int subports = 2, int pipes = 64) => new()
    {
        Rate = 1_250_000_000,
        SubportProfiles = [new SubportProfileConfig { Rate = 1_250_000_000, BucketSize = 1_000_000, ClassRates = Enumerable.Repeat(1_250_000_000L, 13).ToArray(), ClassPeriodMilliseconds = 10 }],
        PipeProfiles = [new PipeProfileConfig { Rate = 305_000, BucketSize = 1_000_000, ClassRates = Enumerable.Repeat(305_000L, 13).ToArray(), ClassPeriodMilliseconds = 40, OversubscriptionWeight = 1, WrrWeights = [1, 1, 1, 1] }],
        Subports = Enumerable.Range(0, subports).Select(_ => new SubportConfig { Profile = 0, QueueSizes = Enumerable.Repeat(64, 13).ToArray(), Pipes = [new PipeGroup(pipes, 0)] }).ToArray(),
    };

    [Test]
    public void Field_mapping_follows_the_YAML_example()
    {
        var c = Classifier.Create(ClassifierLoader.Parse(Yaml), Port());
        var path = c.Classify(new FrameBuilder { Dscp = 46 }.Vlan(0x88A8, 200).Vlan(0x8100, 17).Build(), 0);
        Assert.That((path.Subport, path.Pipe, path.TrafficClass, path.Queue, path.Color), Is.EqualTo((1, 17, 0, 0, PacketColor.Green)));

        path = c.Classify(new FrameBuilder { Dscp = 12 }.Vlan(0x88A8, 100).Vlan(0x8100, 5).Build(), 0);
        Assert.That((path.Subport, path.Pipe, path.TrafficClass, path.Color), Is.EqualTo((0, 5, 12, PacketColor.Yellow)));
        Assert.That(path.Queue, Is.EqualTo((int)(path.FlowId & 3)), "the best-effort queue is the flow hash masked");
    }

    [Test]
    public void Absent_or_unmapped_fields_take_the_defaults()
    {
        var c = Classifier.Create(ClassifierLoader.Parse(Yaml), Port());
        var path = c.Classify(new FrameBuilder { Dscp = 7 }.Vlan(0x8100, 999).Build(), 0);
        Assert.That((path.Subport, path.Pipe, path.TrafficClass, path.Color), Is.EqualTo((0, 9, 12, PacketColor.Green)),
            "unmapped VLAN 999 → subport default 0; no inner tag → the default path's pipe; DSCP 7 → class 12");

        var outOfRange = c.Classify(new FrameBuilder().Vlan(0x88A8, 100).Vlan(0x8100, 1000).Build(), 0);
        Assert.That(outOfRange.Pipe, Is.EqualTo(9), "pipe 1000 is outside the subport's 64 pipes");
    }

    [Test]
    public void The_rule_list_is_checked_in_order_before_the_mapping()
    {
        var c = Classifier.Create(ClassifierLoader.Parse(Yaml), Port());
        var sip = c.Classify(new FrameBuilder { Destination4 = 0xC0A80101, DestinationPort = 5061 }.Build(), 0);
        Assert.That((sip.Subport, sip.Pipe, sip.TrafficClass), Is.EqualTo((1, 7, 3)));

        var otherPort = c.Classify(new FrameBuilder { Destination4 = 0xC0A80101, DestinationPort = 5062 }.Build(), 0);
        Assert.That(otherPort.Pipe, Is.Not.EqualTo(7));
        var tcp = c.Classify(new FrameBuilder { Destination4 = 0xC0A80101, DestinationPort = 5060, Protocol = 6 }.Build(), 0);
        Assert.That(tcp.Pipe, Is.Not.EqualTo(7));

        var v6 = c.Classify(new FrameBuilder { IpVersion = 6, Dscp = 46 }.Build(), 0);
        Assert.That((v6.Subport, v6.Pipe, v6.TrafficClass), Is.EqualTo((1, 8, 0)));
        Assert.That(c.ReadStats().RuleHits, Is.EqualTo(2));
    }

    [Test]
    public void Malformed_frames_are_counted_by_kind_and_take_the_default_path()
    {
        var c = Classifier.Create(ClassifierLoader.Parse(Yaml), Port());
        var frame = new FrameBuilder().Build();
        for (int length = 0; length < frame.Length; length++)
        {
            var path = c.Classify(frame.AsSpan(0, length), 0);
            Assert.That((path.Subport, path.Pipe, path.TrafficClass, path.Queue, path.Color, path.FlowId), Is.EqualTo((1, 9, 12, 3, PacketColor.Red, 0UL)));
        }

        var stats = c.ReadStats();
        Assert.That(stats.Malformed, Is.EqualTo(frame.Length));
        Assert.That(stats.Errors[(int)FrameError.TruncatedEthernet], Is.EqualTo(14));
        Assert.That(stats.Errors[(int)FrameError.TruncatedIpv4], Is.EqualTo(frame.Length - 14));
    }

    [Test]
    public void The_flow_id_is_a_stable_hash_of_the_five_tuple_only()
    {
        var c = Classifier.Create(ClassifierLoader.Parse(Yaml), Port());
        ulong a = c.Classify(new FrameBuilder { Dscp = 0 }.Vlan(0x8100, 100).Build(), 0).FlowId;
        ulong b = c.Classify(new FrameBuilder { Dscp = 46 }.Vlan(0x8100, 200).Build(), 0).FlowId;
        ulong other = c.Classify(new FrameBuilder { SourcePort = 1235 }.Build(), 0).FlowId;
        Assert.That(a, Is.EqualTo(b), "DSCP and VLAN are not part of the 5-tuple");
        Assert.That(other, Is.Not.EqualTo(a));
        Assert.That(a, Is.EqualTo(new FrameBuilder().Build() is var f ? c.Classify(f, 0).FlowId : 0), "the same 5-tuple, the same id");

        ulong first = c.Classify(new FrameBuilder { FragmentField = 0x2000 }.Build(), 0).FlowId;
        ulong later = c.Classify(new FrameBuilder { FragmentField = 0x0010 }.Build(), 0).FlowId;
        Assert.That(first, Is.EqualTo(later), "every fragment of a datagram has the same flow id");
    }

    [Test]
    public void Classifying_allocates_nothing()
    {
        var c = Classifier.Create(ClassifierLoader.Parse(Yaml), Port());
        var frames = Enumerable.Range(0, 64).Select(i => new FrameBuilder { SourcePort = (ushort)i, Dscp = 46 }.Vlan(0x8100, 100).Build()).ToArray();
        for (int round = 0; round < 2; round++)
        {
            foreach (var f in frames)
            {
                c.Classify(f, round * 4_000_000_000L);
            }
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 100; round++)
        {
            foreach (var f in frames)
            {
                c.Classify(f, 8_000_000_000L + (round * 100_000_000L));
            }
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero, "classification, table misses, pending and rebalancing allocate nothing");
        Assert.That(c.ReadStats().Offload.Rebalances, Is.GreaterThan(0));
    }

    [TestCase("subport: { field: vlan.outer, map: { 5: 2 } }", "classifier.subport.map.5", "must be below 2")]
    [TestCase("pipe: { field: vlan.bogus }", "classifier.pipe.field", "unknown field")]
    [TestCase("tc: { field: dscp, default: 13 }", "classifier.tc.default", "must be below 13")]
    [TestCase("rules: [ { ipv4_dst: 10.0.0.1/8, path: { subport: 0, pipe: 0, tc: 0 } } ]", "classifier.rules[0].ipv4_dst", "past the prefix")]
    [TestCase("rules: [ { dst_port: 90-80, path: { subport: 0, pipe: 0, tc: 0 } } ]", "classifier.rules[0].dst_port", "range")]
    [TestCase("rules: [ { path: { subport: 0, pipe: 64, tc: 0 } } ]", "classifier.rules[0].path.pipe", "must be below 64")]
    [TestCase("default: { subport: 0, pipe: 0, tc: 3, queue: 1 }", "classifier.default.queue", "0 for the other classes")]
    [TestCase("offload: { entries: 1000 }", "classifier.offload.entries", "power of two")]
    public void Invalid_options_name_the_YAML_path_and_line(string body, string path, string rule)
    {
        var e = Assert.Throws<ProfileException>(() => Classifier.Create(ClassifierLoader.Parse("classifier:\n  " + body + "\n"), Port()));
        Assert.That(e!.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain(rule));
        Assert.That(e.Line, Is.EqualTo(2), e.Message);
    }

    [Test]
    public void Shape_errors_come_from_the_loader_with_their_position()
    {
        var e = Assert.Throws<ProfileException>(() => ClassifierLoader.Parse("classifier:\n  tc: { field: dscp, colour: 1 }\n"));
        Assert.That(e!.Message, Does.StartWith("classifier.tc.colour: unknown key 'colour'"));
        Assert.That(e.Message, Does.EndWith("(line 2, col 22)"));
        Assert.Throws<ProfileException>(() => ClassifierLoader.Parse("port: {}\n"));
        Assert.Throws<ProfileException>(() => ClassifierLoader.Parse("classifier: [\n"));
    }
}
