using System;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// A pcap file is truncated or corrupt. <see cref="Offset"/> is the byte offset in the file of the header or field
/// at fault; the message reads <c>pcap byte 4120: record of 70000 bytes is larger than the snapshot length 65535</c>.
/// </summary>
public sealed class PcapException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="offset">Byte offset in the file of the header or field at fault.</param>
    /// <param name="detail">What is wrong there.</param>
    public PcapException(long offset, string detail)
        : base($"pcap byte {offset}: {detail}")
    {
        Offset = offset;
        Detail = detail;
    }

    /// <summary>Byte offset in the file of the header or field at fault.</summary>
    public long Offset { get; }

    /// <summary>What is wrong there.</summary>
    public string Detail { get; }
}
