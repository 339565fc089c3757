using System;
using System.Collections.Generic;

namespace Qos.TrafficManager.Configuration;

/// <summary>
/// A port: its line, the profiles its nodes use, and its subports. Validated by <see cref="PortScheduler"/>.
/// A record, so that a variant is a <c>with</c> expression that cannot forget a property.
/// </summary>
public sealed record PortConfig
{
    /// <summary>Default frame overhead in bytes: preamble 7, start delimiter 1, CRC 4, inter-frame gap 12.</summary>
    public const int DefaultFrameOverhead = 24;

    /// <summary>Line rate in bytes per second.</summary>
    public long Rate { get; init; }

    /// <summary>Largest frame in bytes (without the frame overhead).</summary>
    public int Mtu { get; init; } = 1522;

    /// <summary>Bytes of line time each frame costs beyond its length.</summary>
    public int FrameOverhead { get; init; } = DefaultFrameOverhead;

    /// <summary>
    /// How far ahead of the line, in bytes of line time, the scheduler may hand out packets: the depth of the
    /// transmit side it feeds. 0 means 64 frames of MTU size.
    /// </summary>
    public long TxLead { get; init; }

    /// <summary>Subport profiles, referred to by index.</summary>
    public IReadOnlyList<SubportProfileConfig> SubportProfiles { get; init; } = Array.Empty<SubportProfileConfig>();

    /// <summary>Pipe profiles, referred to by index.</summary>
    public IReadOnlyList<PipeProfileConfig> PipeProfiles { get; init; } = Array.Empty<PipeProfileConfig>();

    /// <summary>The subports, numbered in list order.</summary>
    public IReadOnlyList<SubportConfig> Subports { get; init; } = Array.Empty<SubportConfig>();
}
