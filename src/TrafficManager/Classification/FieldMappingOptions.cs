using System.Collections.Generic;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// One part of the path taken from a packet field: <c>value = (field &amp; mask) &gt;&gt; shift</c>, then looked up in
/// <see cref="Map"/> when there is one. A frame without the field (no inner tag, no IPv4, no ports), a value the map
/// does not hold, or a value outside the hierarchy takes <see cref="Default"/>.
/// </summary>
public sealed class FieldMappingOptions
{
    /// <summary>
    /// The field: <c>vlan.outer</c>, <c>vlan.inner</c>, <c>vlan.pcp</c>, <c>ipv4.src</c>, <c>ipv4.dst</c>,
    /// <c>ipv6.src</c>, <c>ipv6.dst</c> (the low 64 bits of the address), <c>dscp</c>, <c>ip.proto</c>,
    /// <c>l4.src_port</c>, <c>l4.dst_port</c> or <c>flow_hash</c> (the flow id).
    /// </summary>
    public string Field { get; set; } = "";

    /// <summary>Bits of the field kept (all by default).</summary>
    public ulong Mask { get; set; } = ulong.MaxValue;

    /// <summary>Right shift applied after the mask (0..63).</summary>
    public int Shift { get; set; }

    /// <summary>Optional value → target table (for colours, 0 green, 1 yellow, 2 red).</summary>
    public IDictionary<ulong, int>? Map { get; set; }

    /// <summary>The target when the field is absent or unmapped; null takes the classifier's default path.</summary>
    public int? Default { get; set; }
}
