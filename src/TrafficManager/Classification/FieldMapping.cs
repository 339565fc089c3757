using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// A compiled <see cref="FieldMappingOptions"/>: read the field from the key, mask, shift, look up. A map whose
/// keys are all under 4096 becomes a dense array (one load); a larger one stays a dictionary.
/// </summary>
internal sealed class FieldMapping
{
    private const int DenseLimit = 4096;

    private readonly ClassifierField _field;
    private readonly ulong _mask;
    private readonly int _shift;
    private readonly int[]? _dense;
    private readonly Dictionary<ulong, int>? _sparse;
    private readonly int _default;

    public FieldMapping(ClassifierField field, ulong mask, int shift, IDictionary<ulong, int>? map, int defaultValue)
    {
        Debug.Assert((uint)shift < 64 && defaultValue >= 0);
        _field = field;
        _mask = mask;
        _shift = shift;
        _default = defaultValue;
        if (map is null)
        {
            return;
        }

        ulong max = 0;
        foreach (var key in map.Keys)
        {
            max = key > max ? key : max;
        }

        if (max < DenseLimit)
        {
            _dense = new int[max + 1];
            _dense.AsSpan().Fill(-1);
            foreach (var (key, value) in map)
            {
                _dense[key] = value;
            }
        }
        else
        {
            _sparse = new Dictionary<ulong, int>(map);
        }
    }

    /// <summary>A mapping that always gives <paramref name="value"/>.</summary>
    public static FieldMapping Constant(int value) => new(ClassifierField.None, 0, 0, null, value);

    /// <summary>The target for <paramref name="key"/>: the mapped value when it is below <paramref name="limit"/>, else the default.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Resolve(in FlowKey key, ulong flowId, int limit)
    {
        if (!TryRead(in key, flowId, out ulong raw))
        {
            return _default;
        }

        ulong value = (raw & _mask) >> _shift;
        long target;
        if (_dense is not null)
        {
            target = value < (ulong)_dense.Length ? _dense[value] : -1;
        }
        else if (_sparse is not null)
        {
            target = _sparse.TryGetValue(value, out int mapped) ? mapped : -1;
        }
        else
        {
            target = value <= int.MaxValue ? (long)value : -1;
        }

        return (ulong)target < (ulong)limit ? (int)target : _default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryRead(in FlowKey key, ulong flowId, out ulong value)
    {
        (bool present, value) = _field switch
        {
            ClassifierField.VlanOuter => (key.VlanCount >= 1, (ulong)key.OuterVlan),
            ClassifierField.VlanInner => (key.VlanCount >= 2, (ulong)key.InnerVlan),
            ClassifierField.VlanPcp => (key.VlanCount >= 1, (ulong)key.OuterPcp),
            ClassifierField.Ipv4Source => (key.IpVersion == 4, (ulong)key.Source),
            ClassifierField.Ipv4Destination => (key.IpVersion == 4, (ulong)key.Destination),
            ClassifierField.Ipv6Source => (key.IpVersion == 6, (ulong)key.Source),
            ClassifierField.Ipv6Destination => (key.IpVersion == 6, (ulong)key.Destination),
            ClassifierField.Dscp => (key.IpVersion != 0, (ulong)key.Dscp),
            ClassifierField.Protocol => (key.IpVersion != 0, (ulong)key.Protocol),
            ClassifierField.SourcePort => (key.HasPorts, (ulong)key.SourcePort),
            ClassifierField.DestinationPort => (key.HasPorts, (ulong)key.DestinationPort),
            ClassifierField.FlowHash => (key.IpVersion != 0, (ulong)flowId),
            _ => (false, 0UL),
        };
        return present;
    }
}
