using System.Runtime.CompilerServices;

namespace Qos.Shaping.Wrr;

/// <summary>One 64-bit value per best-effort queue, stored inline.</summary>
[InlineArray(Qos.Shaping.TrafficClasses.TrafficClass.BestEffortQueues)]
public struct WrrValues
{
    private long _element0;
}
