using System;

namespace Qos.TrafficManager.Pipeline;

/// <summary>Picks a frame's egress port at RX, from its bytes and its flow id (the same for every frame of a flow,
/// so a flow keeps to one port and its order). Returns 0 to the pipeline's port count - 1.</summary>
public delegate int PortSelector(ReadOnlySpan<byte> frame, ulong flowId);
