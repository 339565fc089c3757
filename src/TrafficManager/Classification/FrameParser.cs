using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// Parses Ethernet → up to 4 VLAN tags (802.1Q 0x8100, 802.1ad 0x88A8, legacy 0x9100) → IPv4 or IPv6 → TCP/UDP
/// ports, over a span with <see cref="BinaryPrimitives"/>: no allocation, no exception, every read bounds-checked
/// against what is left. A frame cut short or inconsistent returns a <see cref="FrameError"/> and leaves
/// <see cref="ParsedFrame"/> half filled (the caller must not use it then).
/// </summary>
/// <remarks>
/// IPv4: the header length (IHL) skips options; the datagram is bounded by its total length (Ethernet padding is
/// ignored); only the first fragment (offset 0) has an L4 header. IPv6: hop-by-hop (0), routing (43), fragment (44),
/// destination options (60) and AH (51) are skipped, at most 8 of them; a fragment header with a non-zero offset
/// ends the chain without ports; no-next-header (59) and ESP (50) end it too.
/// </remarks>
internal static class FrameParser
{
    private const int MaxVlanTags = 4;
    private const int MaxExtensionHeaders = 8;

    /// <summary>Parses <paramref name="frame"/> into <paramref name="p"/>.</summary>
    public static FrameError Parse(ReadOnlySpan<byte> frame, ref ParsedFrame p)
    {
        p = default;
        if (frame.Length < 14)
        {
            return FrameError.TruncatedEthernet;
        }

        int offset = 14;
        ushort etherType = BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(12));
        while (etherType is 0x8100 or 0x88A8 or 0x9100)
        {
            if (p.VlanCount == MaxVlanTags)
            {
                return FrameError.TooManyVlanTags;
            }

            if (frame.Length - offset < 4)
            {
                return FrameError.TruncatedVlan;
            }

            ushort tci = BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(offset));
            if (p.VlanCount == 0)
            {
                p.OuterVlan = (ushort)(tci & 0xFFF);
                p.OuterPcp = (byte)(tci >> 13);
            }
            else if (p.VlanCount == 1)
            {
                p.InnerVlan = (ushort)(tci & 0xFFF);
            }

            p.VlanCount++;
            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(offset + 2));
            offset += 4;
        }

        p.EtherType = etherType;
        return etherType switch
        {
            0x0800 => ParseIpv4(frame, offset, ref p),
            0x86DD => ParseIpv6(frame, offset, ref p),
            _ => FrameError.None,
        };
    }

    private static FrameError ParseIpv4(ReadOnlySpan<byte> frame, int offset, ref ParsedFrame p)
    {
        if (frame.Length - offset < 20)
        {
            return FrameError.TruncatedIpv4;
        }

        var ip = frame.Slice(offset);
        int headerLength = (ip[0] & 0xF) * 4;
        if (ip[0] >> 4 != 4 || headerLength < 20)
        {
            return FrameError.MalformedIpv4;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(2));
        if (totalLength < headerLength)
        {
            return FrameError.MalformedIpv4;
        }

        if (totalLength > ip.Length)
        {
            return FrameError.TruncatedIpv4;
        }

        p.IpVersion = 4;
        p.Dscp = (byte)(ip[1] >> 2);
        ushort fragment = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(6));
        p.IsFragment = (fragment & 0x3FFF) != 0;
        p.Protocol = ip[9];
        p.Source = BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(12));
        p.Destination = BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(16));
        if ((fragment & 0x1FFF) != 0)
        {
            return FrameError.None;
        }

        return ParseL4(frame.Slice(0, offset + totalLength), offset + headerLength, ref p);
    }

    private static FrameError ParseIpv6(ReadOnlySpan<byte> frame, int offset, ref ParsedFrame p)
    {
        if (frame.Length - offset < 40)
        {
            return FrameError.TruncatedIpv6;
        }

        var ip = frame.Slice(offset);
        uint first = BinaryPrimitives.ReadUInt32BigEndian(ip);
        if (first >> 28 != 6)
        {
            return FrameError.MalformedIpv6;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(4));
        if (40 + payloadLength > ip.Length)
        {
            return FrameError.TruncatedIpv6;
        }

        p.IpVersion = 6;
        p.Dscp = (byte)((first >> 22) & 0x3F);
        p.Source = BinaryPrimitives.ReadUInt128BigEndian(ip.Slice(8));
        p.Destination = BinaryPrimitives.ReadUInt128BigEndian(ip.Slice(24));

        // Why: a jumbogram says 0 here; bounding by the frame keeps it parseable.
        int end = payloadLength == 0 ? frame.Length : offset + 40 + payloadLength;
        var datagram = frame.Slice(0, end);
        int next = ip[6];
        int at = offset + 40;
        for (int headers = 0; ; headers++)
        {
            if (next is not (0 or 43 or 44 or 60 or 51))
            {
                break;
            }

            if (headers == MaxExtensionHeaders)
            {
                return FrameError.MalformedIpv6;
            }

            int left = datagram.Length - at;
            if (left < 8)
            {
                return FrameError.TruncatedIpv6Extension;
            }

            var ext = datagram.Slice(at);
            int length;
            if (next == 44)
            {
                p.IsFragment = true;
                length = 8;
                if ((BinaryPrimitives.ReadUInt16BigEndian(ext.Slice(2)) & 0xFFF8) != 0)
                {
                    p.Protocol = ext[0];
                    return FrameError.None;
                }
            }
            else
            {
                length = next == 51 ? (ext[1] + 2) * 4 : (ext[1] + 1) * 8;
            }

            if (length > left)
            {
                return FrameError.TruncatedIpv6Extension;
            }

            next = ext[0];
            at += length;
        }

        p.Protocol = (byte)next;
        return ParseL4(datagram, at, ref p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FrameError ParseL4(ReadOnlySpan<byte> datagram, int offset, ref ParsedFrame p)
    {
        int left = datagram.Length - offset;
        if (p.Protocol == 6)
        {
            if (left < 20)
            {
                return FrameError.TruncatedTcp;
            }

            int dataOffset = (datagram[offset + 12] >> 4) * 4;
            if (dataOffset < 20 || dataOffset > left)
            {
                return FrameError.MalformedTcp;
            }
        }
        else if (p.Protocol == 17)
        {
            if (left < 8)
            {
                return FrameError.TruncatedUdp;
            }
        }
        else
        {
            return FrameError.None;
        }

        p.HasPorts = true;
        p.L4Offset = offset;
        p.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(offset));
        p.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(offset + 2));
        return FrameError.None;
    }
}
