using System.Runtime.InteropServices;
using Qos.Shaping.Congestion;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// What a pipeline carries with a frame from stage to stage, beside its bytes: 32 bytes per frame, kept by the
/// <see cref="FramePool"/> (<see cref="FramePool.Metadata(int)"/>) and cleared when the frame is rented.
/// </summary>
/// <remarks>
/// The scheduler path is kept as separate fields (what <see cref="Packet.Create"/> takes), so that a stage can
/// rebuild the descriptor with <see cref="ToPacket"/> without knowing how <see cref="Packet"/> packs it.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct FrameMetadata
{
    /// <summary>The classifier's 64-bit flow id: what the event scheduler keeps together and in order.</summary>
    public ulong FlowId;

    /// <summary>When the frame was received, in the receiver's unit (bytes of line time or nanoseconds), for latency.</summary>
    public long RxTimestamp;

    /// <summary>The frame's sequence number within its flow, so that tests can check order end to end.</summary>
    public uint Sequence;

    /// <summary>The source's number for the frame's flow, from 1 (0: the source does not number flows); with
    /// <see cref="Sequence"/> it lets the pipeline check per-flow order at the TX queues.</summary>
    public uint SourceFlow;

    /// <summary>Scheduler path: subport index (0..4095).</summary>
    public ushort Subport;

    /// <summary>Scheduler path: pipe index within the subport (0..65535).</summary>
    public ushort Pipe;

    /// <summary>The egress port (the <c>PortScheduler</c>) the frame leaves through (a pipeline has at most 15).</summary>
    public byte EgressPort;

    /// <summary>Scheduler path: traffic class 0..12.</summary>
    public byte TrafficClass;

    /// <summary>Scheduler path: best-effort queue 0..3 for class 12, 0 otherwise.</summary>
    public byte Queue;

    /// <summary>Colour for WRED.</summary>
    public PacketColor Color;

    /// <summary>The scheduler descriptor of this frame.</summary>
    /// <param name="handle">The frame's pool index (or any handle the application uses).</param>
    /// <param name="length">Frame length in bytes, without the frame overhead.</param>
    public readonly Packet ToPacket(ulong handle, int length) =>
        Packet.Create(handle, length, Subport, Pipe, TrafficClass, Queue, Color);
}
