namespace Qos.EventCore.Migration;

/// <summary>A flow seen in a port's recent events, and how many of those events it had.</summary>
/// <param name="QueueId">The queue.</param>
/// <param name="FlowHash">The flow hash (0 to 8191): flows are owned and moved per hash.</param>
/// <param name="Count">Events of this flow among the port's recent sample.</param>
/// <param name="SinceMove">Time since the flow last moved, in the device's ticks; <see cref="long.MaxValue"/> when it
/// never moved. A flow with <c>SinceMove &lt; MigrationContext.HoldDownTicks</c> must not move again yet.</param>
public readonly record struct FlowSample(int QueueId, int FlowHash, int Count, long SinceMove = long.MaxValue);
