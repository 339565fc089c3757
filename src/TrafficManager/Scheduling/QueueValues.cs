using System.Runtime.CompilerServices;
using Qos.Shaping.TrafficClasses;

namespace Qos.TrafficManager.Scheduling;

/// <summary>
/// One 32-bit value per pipe queue, stored inline in its owner. Why: an index masked with <c>&amp; 0xF</c> needs no
/// bounds check, and the values share the owner's cache lines instead of costing a load of an array reference.
/// </summary>
[InlineArray(TrafficClass.QueuesPerPipe)]
internal struct QueueValues
{
    private int _element0;
}
