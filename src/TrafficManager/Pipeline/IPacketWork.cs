namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// The application's per-packet work, run by the pipeline's worker threads in per-flow order (one worker at a time
/// per flow). A struct implementation is specialised and inlined by the JIT (each worker thread gets its own copy,
/// so its fields are per-worker state); <see cref="DelegateWork"/> wraps a delegate. It may read and change the
/// frame's bytes and length, change the path or the egress port in the metadata (re-route), or drop the frame. An
/// exception stops the pipeline with it.
/// </summary>
public interface IPacketWork
{
    /// <summary>Works on one frame.</summary>
    WorkVerdict Process(ref PacketContext context);
}
