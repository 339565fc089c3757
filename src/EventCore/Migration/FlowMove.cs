namespace Qos.EventCore.Migration;

/// <summary>A policy's decision: move a flow of the source port to another port.</summary>
/// <param name="QueueId">The queue.</param>
/// <param name="FlowHash">The flow hash, as given in a <see cref="FlowSample"/>.</param>
/// <param name="TargetPort">The new owner; it must serve the queue and differ from the source.</param>
public readonly record struct FlowMove(int QueueId, int FlowHash, int TargetPort);
