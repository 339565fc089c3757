using System;
using System.Collections.Generic;
using Qos.Shaping.TrafficClasses;

namespace Qos.TrafficManager.Scheduling;

/// <summary>Builds a node's class caps from its configured rates (shared by subport and pipe profiles).</summary>
internal static class ClassCaps
{
    public static TrafficClassProfile From(IReadOnlyList<long> classRates, long periodMilliseconds, long nodeRate, long portRate)
    {
        Span<long> rates = stackalloc long[TrafficClass.Count];
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            rates[tc] = classRates[tc];
        }

        return new TrafficClassProfile(rates, periodMilliseconds, nodeRate, portRate);
    }
}
