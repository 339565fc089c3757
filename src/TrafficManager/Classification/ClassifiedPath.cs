using System.Diagnostics;
using System.Runtime.CompilerServices;
using Qos.Shaping.Congestion;
using Qos.TrafficManager.Packets;
using Tc = Qos.Shaping.TrafficClasses.TrafficClass;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// What the classifier decided for one frame: the scheduler path, the colour, the flow id (a 5-tuple hash that
/// keeps a flow's packets together, 0 for frames that could not be parsed) and what was wrong with the frame.
/// </summary>
public readonly struct ClassifiedPath
{
    private readonly ulong _route;

    internal ClassifiedPath(ulong route, ulong flowId, FrameError error)
    {
        _route = route;
        FlowId = flowId;
        Error = error;
    }

    /// <summary>Subport index.</summary>
    public int Subport => (int)(_route >> 24);

    /// <summary>Pipe index within the subport.</summary>
    public int Pipe => (int)((_route >> 8) & 0xFFFF);

    /// <summary>Traffic class 0..12.</summary>
    public int TrafficClass => (int)((_route >> 4) & 0xF);

    /// <summary>Best-effort queue 0..3 (0 for classes 0..11).</summary>
    public int Queue => (int)((_route >> 2) & 0x3);

    /// <summary>Colour for WRED.</summary>
    public PacketColor Color => (PacketColor)(_route & 0x3);

    /// <summary>The flow id: equal for every packet of a 5-tuple, in every run.</summary>
    public ulong FlowId { get; }

    /// <summary><see cref="FrameError.None"/>, or why the frame took the default path.</summary>
    public FrameError Error { get; }

    /// <summary>The scheduler descriptor for this frame.</summary>
    /// <param name="handle">The application's reference to the frame.</param>
    /// <param name="length">Frame length in bytes, without the frame overhead (0..65535).</param>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="length"/> does not fit a descriptor.</exception>
    public Packet ToPacket(ulong handle, int length) => Packet.Create(handle, length, Subport, Pipe, TrafficClass, Queue, Color);

    /// <inheritdoc />
    public override string ToString() =>
        $"subport {Subport} pipe {Pipe} class {TrafficClass} queue {Queue} ({Color}), flow {FlowId:x16}{(Error == FrameError.None ? "" : $", {Error}")}";

    /// <summary>The route of a path the classifier's compiler or its default mappings checked against the port.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Pack(int subport, int pipe, int trafficClass, int queue, int color)
    {
        // Why: the masks below would silently turn a bad value into another queue; the callers check the ranges.
        Debug.Assert((uint)subport < Packet.MaxSubports && (uint)pipe < Packet.MaxPipesPerSubport, "a route's subport and pipe fit a descriptor");
        Debug.Assert((uint)trafficClass < Tc.Count && (uint)queue <= (trafficClass == Tc.BestEffort ? Tc.BestEffortQueues - 1 : 0u), "a route's class has the queue");
        Debug.Assert((uint)color <= (uint)PacketColor.Red, "a route's colour is green, yellow or red");
        return ((ulong)(uint)subport << 24) | ((ulong)(ushort)pipe << 8) | ((ulong)(uint)(trafficClass & 0xF) << 4) | ((ulong)(uint)(queue & 3) << 2) | (uint)(color & 3);
    }
}
