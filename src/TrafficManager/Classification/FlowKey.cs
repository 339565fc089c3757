using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// The exact-match key of a flow in the offload table: the 5-tuple plus every other field a classification can
/// depend on (VLAN ids, DSCP), so that one offloaded entry can never hand one flow another flow's path.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct FlowKey : IEquatable<FlowKey>
{
    public readonly UInt128 Source;
    public readonly UInt128 Destination;
    public readonly ushort SourcePort;
    public readonly ushort DestinationPort;
    public readonly ushort OuterVlan;
    public readonly ushort InnerVlan;
    public readonly byte Protocol;
    public readonly byte Dscp;
    public readonly byte IpVersion;

    /// <summary>VLAN tag count (low 3 bits), the outer PCP (next 3 bits) and <see cref="HasPortsFlag"/>.</summary>
    public readonly byte Tags;

    /// <summary>The bit of <see cref="Tags"/> set when the ports were read.</summary>
    public const byte HasPortsFlag = 0x40;

    public int VlanCount => Tags & 7;

    public int OuterPcp => (Tags >> 3) & 7;

    public bool HasPorts => (Tags & HasPortsFlag) != 0;

    public FlowKey(in ParsedFrame p)
    {
        Source = p.Source;
        Destination = p.Destination;

        // Why: every fragment of a datagram must take the same path and hash (else fragments reorder),
        // and only the first one carries ports, so fragments are keyed on addresses and protocol only.
        bool ports = p.HasPorts && !p.IsFragment;
        SourcePort = ports ? p.SourcePort : (ushort)0;
        DestinationPort = ports ? p.DestinationPort : (ushort)0;
        OuterVlan = p.OuterVlan;
        InnerVlan = p.InnerVlan;
        Protocol = p.Protocol;
        Dscp = p.Dscp;
        IpVersion = p.IpVersion;
        Tags = (byte)(Math.Min((int)p.VlanCount, 7) | (p.OuterPcp << 3) | (ports ? HasPortsFlag : 0));
    }

    /// <summary>
    /// The flow id: a hash of the 5-tuple only (addresses, ports, protocol), so that re-marking DSCP or a VLAN
    /// change does not split a flow. Each 64-bit word is folded in as <c>h = (h ^ w) * φ; h ^= h >> 32</c>
    /// (φ = 0x9E3779B97F4A7C15), then MurmurHash3's fmix64 finalises. Fixed constants and no per-process seed:
    /// the same flow gets the same id in every run and on every machine.
    /// </summary>
    public ulong FlowId
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            ulong h = 0x243F6A8885A308D3UL;
            h = Mix(h, (ulong)Source);
            h = Mix(h, (ulong)(Source >> 64));
            h = Mix(h, (ulong)Destination);
            h = Mix(h, (ulong)(Destination >> 64));
            h = Mix(h, ((ulong)SourcePort << 32) | ((ulong)DestinationPort << 16) | Protocol);
            return Finalise(h);
        }
    }

    /// <summary>
    /// The offload table's hash of the whole key: its six words (both addresses, then ports and VLANs, then
    /// protocol, DSCP, version and tags, read as the 44 bytes they are laid out in) folded into two lanes, each
    /// multiplied by an odd constant, xored and folded once (<c>h ^ (h &gt;&gt; 32)</c>). Not stable across
    /// byte orders, and need not be: it only places flows in the table.
    /// </summary>
    /// <remarks>Why not from <see cref="FlowId"/>: a hit returns the flow id stored in its entry and never computes
    /// it, and every probe waits for this hash; the flow id's six dependent multiplies would stand in front of each
    /// probe, two independent ones do not.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong TableHash()
    {
        ref byte b = ref Unsafe.As<FlowKey, byte>(ref Unsafe.AsRef(in this));
        ulong source = Unsafe.ReadUnaligned<ulong>(ref b);
        ulong sourceHigh = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, 8));
        ulong destination = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, 16));
        ulong destinationHigh = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, 24));
        ulong portsAndVlans = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, 32));
        ulong rest = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, 40));
        ulong addresses = source ^ BitOperations.RotateLeft(destination, 32);
        ulong others = portsAndVlans ^ (rest << 40) ^ BitOperations.RotateLeft(sourceHigh, 17) ^ BitOperations.RotateLeft(destinationHigh, 49);
        ulong h = (addresses * 0x9E3779B97F4A7C15UL) ^ (others * 0xC2B2AE3D27D4EB4FUL);
        return h ^ (h >> 32);
    }

    public bool Equals(FlowKey other) =>
        Source == other.Source && Destination == other.Destination
        && SourcePort == other.SourcePort && DestinationPort == other.DestinationPort
        && OuterVlan == other.OuterVlan && InnerVlan == other.InnerVlan
        && Protocol == other.Protocol && Dscp == other.Dscp && IpVersion == other.IpVersion && Tags == other.Tags;

    public override bool Equals(object? obj) => obj is FlowKey other && Equals(other);

    public override int GetHashCode() => (int)TableHash();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h, ulong word)
    {
        h = (h ^ word) * 0x9E3779B97F4A7C15UL;
        return h ^ (h >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Finalise(ulong h)
    {
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        return h ^ (h >> 33);
    }
}
