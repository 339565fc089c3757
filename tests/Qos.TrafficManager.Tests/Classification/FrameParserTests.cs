using System;
using System.Collections.Generic;
using NUnit.Framework;
using Qos.TrafficManager.Classification;

namespace Qos.TrafficManager.Tests.Classification;

[TestFixture]
public sealed class FrameParserTests
{
    internal static IEnumerable<TestCaseData> Shapes()
    {
        yield return new TestCaseData(new FrameBuilder()).SetName("Untagged IPv4 UDP");
        yield return new TestCaseData(new FrameBuilder { Protocol = 6 }).SetName("Untagged IPv4 TCP");
        yield return new TestCaseData(new FrameBuilder().Vlan(0x8100, 100, 5)).SetName("802.1Q IPv4 UDP");
        yield return new TestCaseData(new FrameBuilder { Protocol = 6 }.Vlan(0x88A8, 7).Vlan(0x8100, 300)).SetName("QinQ IPv4 TCP");
        yield return new TestCaseData(new FrameBuilder { Ipv4OptionBytes = 12, Dscp = 46 }).SetName("IPv4 with options");
        yield return new TestCaseData(new FrameBuilder { FragmentField = 0x2000 }).SetName("IPv4 first fragment");
        yield return new TestCaseData(new FrameBuilder { FragmentField = 0x0010 }).SetName("IPv4 later fragment");
        yield return new TestCaseData(new FrameBuilder { IpVersion = 6, Dscp = 34 }).SetName("IPv6 UDP");
        yield return new TestCaseData(new FrameBuilder { IpVersion = 6, Protocol = 6 }.Vlan(0x8100, 9)).SetName("802.1Q IPv6 TCP");
        foreach (byte ext in new byte[] { 0, 43, 44, 60, 51 })
        {
            var b = new FrameBuilder { IpVersion = 6, Protocol = 6 };
            b.Ipv6Extensions.Add(ext);
            yield return new TestCaseData(b).SetName($"IPv6 TCP after extension header {ext}");
        }

        var chain = new FrameBuilder { IpVersion = 6 };
        chain.Ipv6Extensions.AddRange(new byte[] { 0, 60, 43, 44, 51, 60 });
        yield return new TestCaseData(chain).SetName("IPv6 UDP after six extension headers");
        var later = new FrameBuilder { IpVersion = 6, Ipv6FragmentOffset = 100 };
        later.Ipv6Extensions.Add(44);
        yield return new TestCaseData(later).SetName("IPv6 later fragment");
        yield return new TestCaseData(new FrameBuilder { Protocol = 1 }).SetName("IPv4 ICMP");
        yield return new TestCaseData(new FrameBuilder { IpVersion = 0 }.Vlan(0x8100, 12)).SetName("802.1Q ARP");
    }

    [TestCaseSource(nameof(Shapes))]
    public void Every_shape_parses_to_the_fields_it_was_built_with(FrameBuilder b)
    {
        var frame = b.Build();
        var p = default(ParsedFrame);
        Assert.That(FrameParser.Parse(frame, ref p), Is.EqualTo(FrameError.None));
        Assert.That(p.VlanCount, Is.EqualTo(b.Tags.Count));
        if (b.Tags.Count > 0)
        {
            Assert.That(p.OuterVlan, Is.EqualTo(b.Tags[0].Tci & 0xFFF));
            Assert.That(p.OuterPcp, Is.EqualTo(b.Tags[0].Tci >> 13));
        }

        if (b.Tags.Count > 1)
        {
            Assert.That(p.InnerVlan, Is.EqualTo(b.Tags[1].Tci & 0xFFF));
        }

        Assert.That(p.IpVersion, Is.EqualTo(b.IpVersion));
        if (b.IpVersion == 0)
        {
            return;
        }

        Assert.That(p.Dscp, Is.EqualTo(b.Dscp));
        Assert.That(p.Protocol, Is.EqualTo(b.Protocol));
        Assert.That(p.Source, Is.EqualTo(b.IpVersion == 4 ? b.Source4 : b.Source6));
        Assert.That(p.Destination, Is.EqualTo(b.IpVersion == 4 ? b.Destination4 : b.Destination6));
        bool later = (b.FragmentField & 0x1FFF) != 0 || b.Ipv6FragmentOffset != 0;
        bool ports = !later && b.Protocol is 6 or 17;
        Assert.That(p.HasPorts, Is.EqualTo(ports), "only the first fragment carries the L4 header");
        Assert.That(p.IsFragment, Is.EqualTo(b.FragmentField != 0 || b.Ipv6Extensions.Contains(44)));
        if (ports)
        {
            Assert.That((p.SourcePort, p.DestinationPort), Is.EqualTo((b.SourcePort, b.DestinationPort)));
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void A_frame_cut_at_any_byte_is_an_error_never_an_exception(FrameBuilder b)
    {
        var frame = b.Build();
        for (int length = 0; length < frame.Length; length++)
        {
            var p = default(ParsedFrame);
            var error = FrameParser.Parse(frame.AsSpan(0, length), ref p);
            if (b.IpVersion == 0 && length >= 14 + 4 * b.Tags.Count)
            {
                Assert.That(error, Is.EqualTo(FrameError.None), "a non-IP payload is not parsed, so any length past the tags is whole");
            }
            else
            {
                Assert.That(error, Is.Not.EqualTo(FrameError.None), $"cut at {length} of {frame.Length} bytes");
            }
        }
    }

    [Test]
    public void Cuts_are_reported_by_the_header_they_fall_in()
    {
        var tcp = new FrameBuilder { Protocol = 6 }.Vlan(0x8100, 1).Build();
        var p = default(ParsedFrame);
        Assert.That(FrameParser.Parse(tcp.AsSpan(0, 13), ref p), Is.EqualTo(FrameError.TruncatedEthernet));
        Assert.That(FrameParser.Parse(tcp.AsSpan(0, 16), ref p), Is.EqualTo(FrameError.TruncatedVlan));
        Assert.That(FrameParser.Parse(tcp.AsSpan(0, 30), ref p), Is.EqualTo(FrameError.TruncatedIpv4));

        var v6 = new FrameBuilder { IpVersion = 6 };
        v6.Ipv6Extensions.Add(60);
        var frame = v6.Build();
        Assert.That(FrameParser.Parse(frame.AsSpan(0, 40), ref p), Is.EqualTo(FrameError.TruncatedIpv6));
    }

    [Test]
    public void Inconsistent_headers_are_malformed()
    {
        var frame = new FrameBuilder().Build();
        var p = default(ParsedFrame);
        frame[14] = 0x44; // IHL 4 words
        Assert.That(FrameParser.Parse(frame, ref p), Is.EqualTo(FrameError.MalformedIpv4));
        frame[14] = 0x55; // version 5
        Assert.That(FrameParser.Parse(frame, ref p), Is.EqualTo(FrameError.MalformedIpv4));

        var tcp = new FrameBuilder { Protocol = 6 }.Build();
        tcp[14 + 20 + 12] = 0x40; // data offset 4 words
        Assert.That(FrameParser.Parse(tcp, ref p), Is.EqualTo(FrameError.MalformedTcp));

        var tags = new FrameBuilder();
        for (int i = 0; i < 5; i++)
        {
            tags.Vlan(0x8100, i);
        }

        Assert.That(FrameParser.Parse(tags.Build(), ref p), Is.EqualTo(FrameError.TooManyVlanTags));

        var chain = new FrameBuilder { IpVersion = 6 };
        for (int i = 0; i < 9; i++)
        {
            chain.Ipv6Extensions.Add(60);
        }

        Assert.That(FrameParser.Parse(chain.Build(), ref p), Is.EqualTo(FrameError.MalformedIpv6));
    }

    [Test]
    public void Ethernet_padding_past_the_IPv4_total_length_is_ignored()
    {
        var frame = new FrameBuilder { PayloadBytes = 0 }.Build();
        Array.Resize(ref frame, 60);
        var p = default(ParsedFrame);
        Assert.That(FrameParser.Parse(frame, ref p), Is.EqualTo(FrameError.None));
        Assert.That(p.DestinationPort, Is.EqualTo(80));
    }
}
