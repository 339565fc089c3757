using System.Runtime.CompilerServices;
using Qos.Shaping.TrafficClasses;

namespace Qos.TrafficManager.Scheduling;

/// <summary>The active queue management of each pipe queue, stored inline in the subport (see <see cref="QueueValues"/>).</summary>
[InlineArray(TrafficClass.QueuesPerPipe)]
internal struct QueueCongestion
{
    private CongestionControl _element0;
}
