using System;

namespace Qos.TrafficManager.Replay;

/// <summary>One captured frame: its timestamp, the bytes captured and the length it had on the wire.</summary>
/// <param name="TimestampNanoseconds">Capture time in nanoseconds since the Unix epoch.</param>
/// <param name="Frame">The captured bytes; valid until the next read.</param>
/// <param name="OriginalLength">The frame's length on the wire (at least <c>Frame.Length</c>).</param>
public readonly record struct PcapRecord(long TimestampNanoseconds, ReadOnlyMemory<byte> Frame, int OriginalLength);
