namespace Qos.TrafficManager.Replay;

/// <summary>The classic pcap variants: timestamp resolution and byte order.</summary>
public readonly record struct PcapFormat(bool Nanosecond, bool BigEndian)
{
    /// <summary>Magic number of microsecond files (as written in the file's own byte order).</summary>
    public const uint MicrosecondMagic = 0xA1B2C3D4;

    /// <summary>Magic number of nanosecond files.</summary>
    public const uint NanosecondMagic = 0xA1B23C4D;

    /// <summary>Link type of Ethernet frames (LINKTYPE_ETHERNET).</summary>
    public const uint Ethernet = 1;

    /// <summary>Global header length in bytes.</summary>
    public const int GlobalHeaderLength = 24;

    /// <summary>Record header length in bytes.</summary>
    public const int RecordHeaderLength = 16;

    /// <summary>The largest record accepted whatever the snapshot length says (as libpcap's MAXIMUM_SNAPLEN).</summary>
    public const int MaxRecordLength = 262_144;
}
