using Qos.Shaping.Clock;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Egress;

namespace Qos.TrafficManager.Pipeline;

/// <summary>One egress port of a pipeline: its hierarchy, the classifier that maps frames onto it, its TX queue
/// and its clock.</summary>
public sealed record EgressPortOptions
{
    /// <summary>The port's hierarchy (a <see cref="PortScheduler"/> is built from it and owned by the port's thread).</summary>
    public required PortConfig Config { get; init; }

    /// <summary>Classifies frames onto this port's hierarchy (compiled against <see cref="Config"/>).</summary>
    public required Classifier Classifier { get; init; }

    /// <summary>Where the port's scheduled packets go; owned by the port's thread while the pipeline runs.</summary>
    public required ITxQueue Tx { get; init; }

    /// <summary>The port's time. <c>null</c>: real time at the port rate. A <see cref="VirtualByteClock"/> is
    /// driven by the port's thread itself: it jumps to when the TX queue has room again, or by one maximum frame
    /// when shaped packets wait and the TX queue is empty, so that a run is exact and as fast as the CPU allows.</summary>
    public IByteClock? Clock { get; init; }
}
