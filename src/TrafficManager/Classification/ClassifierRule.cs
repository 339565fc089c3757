using System;
using System.Runtime.CompilerServices;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// A compiled <see cref="ClassifierRuleOptions"/>: address prefixes as value/mask pairs (IPv4 in the low 32 bits),
/// port ranges, a protocol (-1 for any) and a 64-bit DSCP set (all ones for any).
/// </summary>
internal readonly struct ClassifierRule
{
    public readonly byte IpVersion;
    public readonly UInt128 SourceValue;
    public readonly UInt128 SourceMask;
    public readonly UInt128 DestinationValue;
    public readonly UInt128 DestinationMask;
    public readonly bool NeedsPorts;
    public readonly ushort SourcePortLow;
    public readonly ushort SourcePortHigh;
    public readonly ushort DestinationPortLow;
    public readonly ushort DestinationPortHigh;
    public readonly int Protocol;
    public readonly ulong DscpSet;
    public readonly ulong Route;

    public ClassifierRule(
        byte ipVersion, UInt128 sourceValue, UInt128 sourceMask, UInt128 destinationValue, UInt128 destinationMask,
        bool needsPorts, ushort sourcePortLow, ushort sourcePortHigh, ushort destinationPortLow, ushort destinationPortHigh,
        int protocol, ulong dscpSet, ulong route)
    {
        IpVersion = ipVersion;
        SourceValue = sourceValue & sourceMask;
        SourceMask = sourceMask;
        DestinationValue = destinationValue & destinationMask;
        DestinationMask = destinationMask;
        NeedsPorts = needsPorts;
        SourcePortLow = sourcePortLow;
        SourcePortHigh = sourcePortHigh;
        DestinationPortLow = destinationPortLow;
        DestinationPortHigh = destinationPortHigh;
        Protocol = protocol;
        DscpSet = dscpSet;
        Route = route;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Matches(in FlowKey key)
    {
        if (IpVersion != 0 && key.IpVersion != IpVersion)
        {
            return false;
        }

        if ((key.Source & SourceMask) != SourceValue || (key.Destination & DestinationMask) != DestinationValue)
        {
            return false;
        }

        if (Protocol >= 0 && key.Protocol != Protocol)
        {
            return false;
        }

        if (((DscpSet >> key.Dscp) & 1) == 0)
        {
            return false;
        }

        return !NeedsPorts
            || (key.HasPorts
                && (uint)(key.SourcePort - SourcePortLow) <= (uint)(SourcePortHigh - SourcePortLow)
                && (uint)(key.DestinationPort - DestinationPortLow) <= (uint)(DestinationPortHigh - DestinationPortLow));
    }
}
