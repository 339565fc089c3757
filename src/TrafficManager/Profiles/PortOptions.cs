namespace Qos.TrafficManager.Profiles;

/// <summary>The line of a port (YAML <c>port</c>).</summary>
public sealed class PortOptions
{
    /// <summary>Line rate: <c>10gbps</c>, <c>1250MB/s</c>, or bytes per second (YAML <c>rate</c>, required).</summary>
    public string? Rate { get; set; }

    /// <summary>Largest frame in bytes, without the frame overhead (YAML <c>mtu</c>).</summary>
    public int Mtu { get; set; } = 1522;

    /// <summary>Bytes of line time each frame costs beyond its length (YAML <c>frame_overhead</c>).</summary>
    public int FrameOverhead { get; set; } = Configuration.PortConfig.DefaultFrameOverhead;
}
