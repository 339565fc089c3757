using System;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// What <see cref="FrameParser"/> read from one frame. A plain struct the parser fills in place, so parsing
/// allocates nothing. Addresses are kept as 128-bit numbers in network order (an IPv4 address in the low 32 bits).
/// </summary>
internal struct ParsedFrame
{
    /// <summary>VLAN tags seen (0, 1 or 2 and more; only the first two are kept).</summary>
    public byte VlanCount;

    /// <summary>Priority code point of the outer tag.</summary>
    public byte OuterPcp;

    /// <summary>VLAN id (12 bits) of the outer tag.</summary>
    public ushort OuterVlan;

    /// <summary>VLAN id (12 bits) of the inner tag.</summary>
    public ushort InnerVlan;

    /// <summary>The EtherType after the VLAN tags.</summary>
    public ushort EtherType;

    /// <summary>4, 6, or 0 when the frame carries no IP.</summary>
    public byte IpVersion;

    /// <summary>Differentiated services code point (6 bits).</summary>
    public byte Dscp;

    /// <summary>The upper-layer protocol (after the IPv6 extension headers).</summary>
    public byte Protocol;

    /// <summary>True for any fragment of a fragmented datagram (first or later).</summary>
    public bool IsFragment;

    /// <summary>True when the L4 ports were read (TCP or UDP, not a later fragment).</summary>
    public bool HasPorts;

    /// <summary>Source address.</summary>
    public UInt128 Source;

    /// <summary>Destination address.</summary>
    public UInt128 Destination;

    /// <summary>L4 source port.</summary>
    public ushort SourcePort;

    /// <summary>L4 destination port.</summary>
    public ushort DestinationPort;

    /// <summary>Offset of the L4 header in the frame (0 when there is none).</summary>
    public int L4Offset;
}
