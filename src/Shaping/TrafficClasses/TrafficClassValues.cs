using System.Runtime.CompilerServices;

namespace Qos.Shaping.TrafficClasses;

/// <summary>One 64-bit value per traffic class, stored inline (no array allocation).</summary>
[InlineArray(TrafficClass.Count)]
public struct TrafficClassValues
{
    private long _element0;
}
