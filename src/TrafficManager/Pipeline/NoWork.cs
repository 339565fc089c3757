namespace Qos.TrafficManager.Pipeline;

/// <summary>Work that forwards every frame unchanged (the pipeline's cost alone).</summary>
public struct NoWork : IPacketWork
{
    /// <inheritdoc />
    public readonly WorkVerdict Process(ref PacketContext context) => WorkVerdict.Forward;
}
