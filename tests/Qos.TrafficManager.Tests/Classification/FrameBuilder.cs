using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Qos.TrafficManager.Tests.Classification;

/// <summary>Builds Ethernet frames of every shape the classifier parses.</summary>
public sealed class FrameBuilder
{
    public List<(ushort Tpid, ushort Tci)> Tags { get; } = [];
    public int IpVersion { get; set; } = 4;
    public byte Dscp { get; set; }
    public byte Protocol { get; set; } = 17;
    public uint Source4 { get; set; } = 0x0A000001;
    public uint Destination4 { get; set; } = 0x0A010203;
    public UInt128 Source6 { get; set; } = (UInt128.One << 127) | 1;
    public UInt128 Destination6 { get; set; } = (UInt128.One << 127) | 0x0203;
    public ushort SourcePort { get; set; } = 1234;
    public ushort DestinationPort { get; set; } = 80;
    public int Ipv4OptionBytes { get; set; }
    public ushort FragmentField { get; set; }
    public List<byte> Ipv6Extensions { get; } = [];
    public int Ipv6FragmentOffset { get; set; }
    public int PayloadBytes { get; set; } = 10;

    public FrameBuilder Vlan(ushort tpid, int vid, int pcp = 0)
    {
        Tags.Add((tpid, (ushort)((pcp << 13) | vid)));
        return this;
    }

    public byte[] Build()
    {
        var l4 = L4();
        var ip = IpVersion switch
        {
            4 => Ipv4(l4),
            6 => Ipv6(l4),
            _ => l4,
        };
        var f = new List<byte>();
        f.AddRange(new byte[] { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 });
        foreach (var (tpid, tci) in Tags)
        {
            Add16(f, tpid);
            Add16(f, tci);
        }

        Add16(f, IpVersion switch { 4 => 0x0800, 6 => 0x86DD, _ => 0x0806 });
        f.AddRange(ip);
        return f.ToArray();
    }

    private byte[] L4()
    {
        var payload = new byte[PayloadBytes];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(i * 7);
        }

        var l = new List<byte>();
        if (Protocol == 6)
        {
            Add16(l, SourcePort);
            Add16(l, DestinationPort);
            l.AddRange(new byte[] { 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0 });
        }
        else if (Protocol == 17)
        {
            Add16(l, SourcePort);
            Add16(l, DestinationPort);
            Add16(l, (ushort)(8 + payload.Length));
            Add16(l, 0);
        }

        l.AddRange(payload);
        return l.ToArray();
    }

    private byte[] Ipv4(byte[] l4)
    {
        int header = 20 + Ipv4OptionBytes;
        var h = new byte[header + l4.Length];
        h[0] = (byte)(0x40 | (header / 4));
        h[1] = (byte)(Dscp << 2);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), (ushort)h.Length);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(6), FragmentField);
        h[8] = 64;
        h[9] = Protocol;
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(12), Source4);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(16), Destination4);
        for (int i = 20; i < header; i++)
        {
            h[i] = 1; // NOP options
        }

        ushort sum = Checksum(h.AsSpan(0, header));
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(10), sum);
        l4.CopyTo(h, header);
        return h;
    }

    private byte[] Ipv6(byte[] l4)
    {
        var ext = new List<byte>();
        for (int i = 0; i < Ipv6Extensions.Count; i++)
        {
            byte next = i + 1 < Ipv6Extensions.Count ? Ipv6Extensions[i + 1] : Protocol;
            switch (Ipv6Extensions[i])
            {
                case 44:
                    ext.AddRange(new byte[] { next, 0 });
                    Add16(ext, (ushort)(Ipv6FragmentOffset << 3));
                    ext.AddRange(new byte[] { 0, 0, 0, 42 });
                    break;
                case 51: // AH: 12 bytes + 4 of ICV = 16 bytes: length field (16 / 4) - 2 = 2
                    ext.AddRange(new byte[] { next, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 9, 9, 9, 9 });
                    break;
                default: // 16 bytes: length field 1
                    ext.AddRange(new byte[] { next, 1, 1, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 });
                    break;
            }
        }

        var h = new byte[40 + ext.Count + l4.Length];
        BinaryPrimitives.WriteUInt32BigEndian(h, (6u << 28) | ((uint)Dscp << 22) | 0x12345);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(4), (ushort)(ext.Count + l4.Length));
        h[6] = Ipv6Extensions.Count > 0 ? Ipv6Extensions[0] : Protocol;
        h[7] = 64;
        BinaryPrimitives.WriteUInt128BigEndian(h.AsSpan(8), Source6);
        BinaryPrimitives.WriteUInt128BigEndian(h.AsSpan(24), Destination6);
        ext.CopyTo(h, 40);
        l4.CopyTo(h, 40 + ext.Count);
        return h;
    }

    private static ushort Checksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (int i = 0; i < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header.Slice(i));
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    private static void Add16(List<byte> list, ushort value)
    {
        list.Add((byte)(value >> 8));
        list.Add((byte)value);
    }
}
