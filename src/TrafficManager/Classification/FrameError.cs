namespace Qos.TrafficManager.Classification;

/// <summary>
/// What the frame parser found wrong with a frame. Every kind but <see cref="None"/> sends the frame to the
/// classifier's default path and is counted in <see cref="ClassifierStats"/>; none of them is ever thrown.
/// </summary>
public enum FrameError : byte
{
    /// <summary>The frame parsed (it may still carry no IP header: see <see cref="ClassifierStats.NonIp"/>).</summary>
    None = 0,

    /// <summary>Shorter than the 14-byte Ethernet header.</summary>
    TruncatedEthernet,

    /// <summary>An 802.1Q/802.1ad tag is cut short.</summary>
    TruncatedVlan,

    /// <summary>More VLAN tags than the parser follows (4).</summary>
    TooManyVlanTags,

    /// <summary>The IPv4 header, its options, or the datagram its total length announces is cut short.</summary>
    TruncatedIpv4,

    /// <summary>IPv4 with a wrong version, a header length under 20 bytes, or a total length under the header length.</summary>
    MalformedIpv4,

    /// <summary>The 40-byte IPv6 header or the payload its length announces is cut short.</summary>
    TruncatedIpv6,

    /// <summary>IPv6 with a wrong version or a chain of more extension headers than the parser follows (8).</summary>
    MalformedIpv6,

    /// <summary>An IPv6 extension header (hop-by-hop, routing, fragment, destination options, AH) is cut short.</summary>
    TruncatedIpv6Extension,

    /// <summary>The TCP header is cut short.</summary>
    TruncatedTcp,

    /// <summary>The TCP data offset is under 5 words or points past the datagram.</summary>
    MalformedTcp,

    /// <summary>The 8-byte UDP header is cut short.</summary>
    TruncatedUdp,
}
