using System;
using Qos.Shaping.Clock;
using Qos.Shaping.Internal;

namespace Qos.Shaping.TrafficClasses;

/// <summary>
/// Rate caps of the 13 traffic classes of a node (pipe or subport), enforced by periodic refill:
/// every <see cref="Period"/> bytes of line time each class gets <see cref="CreditsPerPeriod"/> bytes.
/// </summary>
public readonly struct TrafficClassProfile
{
    private readonly TrafficClassValues _creditsPerPeriod;

    /// <summary>Creates the caps from class rates and an enforcement period.</summary>
    /// <param name="classRates">13 class rates in bytes per second (0 = class off), each at most <paramref name="nodeRate"/>.</param>
    /// <param name="periodMilliseconds">Enforcement period in milliseconds (&gt; 0).</param>
    /// <param name="nodeRate">The node's token bucket rate in bytes per second: no class may exceed it.</param>
    /// <param name="portRate">Port rate in bytes per second: the clock's unit.</param>
    public TrafficClassProfile(ReadOnlySpan<long> classRates, long periodMilliseconds, long nodeRate, long portRate)
    {
        if (classRates.Length != TrafficClass.Count)
        {
            ThrowHelper.OutOfRange(nameof(classRates), classRates.Length, $"must hold exactly {TrafficClass.Count} class rates");
        }

        if (periodMilliseconds <= 0)
        {
            ThrowHelper.OutOfRange(nameof(periodMilliseconds), periodMilliseconds, "must be positive");
        }

        Period = LineTime.FromMilliseconds(periodMilliseconds, portRate);
        if (Period <= 0)
        {
            ThrowHelper.OutOfRange(nameof(periodMilliseconds), periodMilliseconds, "is shorter than one byte of line time");
        }

        PeriodMilliseconds = periodMilliseconds;
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            long rate = classRates[tc];
            if (rate < 0 || rate > nodeRate)
            {
                ThrowHelper.OutOfRange($"{nameof(classRates)}[{tc}]", rate, $"must be between 0 and the node rate {nodeRate}");
            }

            // Why: a rate of 0 turns the class off; LineTime refuses a zero rate, as a clock rate must be positive.
            _creditsPerPeriod[tc] = rate == 0 ? 0 : LineTime.FromMilliseconds(periodMilliseconds, rate);
        }
    }

    /// <summary>Enforcement period in bytes of line time.</summary>
    public long Period { get; }

    /// <summary>Enforcement period in milliseconds, as configured.</summary>
    public long PeriodMilliseconds { get; }

    /// <summary>Bytes class <paramref name="trafficClass"/> may send per period.</summary>
    public long CreditsPerPeriod(int trafficClass) => _creditsPerPeriod[trafficClass];
}
