namespace Qos.TrafficManager.Pipeline;

/// <summary>What a worker's <see cref="IPacketWork"/> decided for a frame.</summary>
public enum WorkVerdict
{
    /// <summary>On to the egress port in <see cref="FrameMetadata.EgressPort"/>, on the path in the metadata.</summary>
    Forward,

    /// <summary>Dropped by the application: the frame goes back to the pool, counted as a worker drop.</summary>
    Drop,
}
