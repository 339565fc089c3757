using Qos.Shaping.Congestion;

namespace Qos.TrafficManager.Classification;

/// <summary>A full scheduler path: subport, pipe, traffic class, best-effort queue and colour.</summary>
public sealed class ClassifierPathOptions
{
    /// <summary>Subport index.</summary>
    public int Subport { get; set; }

    /// <summary>Pipe index within the subport.</summary>
    public int Pipe { get; set; }

    /// <summary>Traffic class 0..12 (12, best effort, by default).</summary>
    public int TrafficClass { get; set; } = 12;

    /// <summary>Best-effort queue 0..3 (must be 0 for classes 0..11).</summary>
    public int Queue { get; set; }

    /// <summary>Colour for WRED.</summary>
    public PacketColor Color { get; set; } = PacketColor.Green;
}
