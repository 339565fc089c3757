namespace Qos.TrafficManager.Classification;

/// <summary>The packet fields a <see cref="FieldMapping"/> reads.</summary>
internal enum ClassifierField : byte
{
    /// <summary>No field: the mapping always gives its default.</summary>
    None,
    VlanOuter,
    VlanInner,
    VlanPcp,
    Ipv4Source,
    Ipv4Destination,
    Ipv6Source,
    Ipv6Destination,
    Dscp,
    Protocol,
    SourcePort,
    DestinationPort,
    FlowHash,
}
