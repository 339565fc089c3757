using System.Diagnostics;
using Qos.Shaping.Clock;
using Qos.Shaping.Internal;

namespace Qos.Shaping.Oversubscription;

/// <summary>
/// The subport's best-effort oversubscription watermark: how many best-effort bytes each member pipe may
/// send per period (times its weight) when the pipes together ask for more than the subport can give.
/// </summary>
/// <remarks>
/// At each subport class period the watermark adapts to the previous period's outcome. The best-effort
/// class could use what the higher classes left of its budget (<c>budget − higher consumed</c>, which may be
/// negative: signed arithmetic, no wrap). If best effort used all of that but less than one MTU, the pipes
/// are contending: the watermark shrinks by 1/128 so the greedy pipes are held back and the share evens out.
/// Otherwise capacity went unused: it grows by 1/128 + 1 (the +1 lets it climb from small values).
/// It stays within [<see cref="Minimum"/>, <see cref="Maximum"/>]: at least one full frame, at most what the
/// fastest pipe could send in a period, where the cap has no effect.
/// </remarks>
public struct OversubscriptionWatermark
{
    private long _value;

    /// <summary>Creates a watermark starting at its maximum (no restriction until contention shows).</summary>
    /// <param name="minimum">Lower bound in bytes: MTU + frame overhead.</param>
    /// <param name="maximum">Upper bound in bytes: subport class period × the largest pipe best-effort rate.</param>
    public OversubscriptionWatermark(long minimum, long maximum)
    {
        if (minimum <= 0)
        {
            ThrowHelper.OutOfRange(nameof(minimum), minimum, "must be positive");
        }

        Minimum = minimum;
        Maximum = maximum > minimum ? maximum : minimum;
        _value = Maximum;
    }

    /// <summary>Lower bound in bytes.</summary>
    public long Minimum { get; }

    /// <summary>Upper bound in bytes.</summary>
    public long Maximum { get; }

    /// <summary>Current watermark in bytes per period per unit of weight.</summary>
    public readonly long Value => _value;

    /// <summary>Bounds for a subport: [mtu + overhead, period × largest pipe best-effort rate].</summary>
    /// <param name="mtu">Port MTU in bytes.</param>
    /// <param name="frameOverhead">Frame overhead in bytes.</param>
    /// <param name="subportPeriodMilliseconds">The subport's class period in milliseconds.</param>
    /// <param name="largestPipeBestEffortRate">Largest best-effort class rate among the subport's pipe profiles, bytes/s.</param>
    public static OversubscriptionWatermark ForSubport(long mtu, long frameOverhead, long subportPeriodMilliseconds, long largestPipeBestEffortRate) =>
        new(mtu + frameOverhead, LineTime.FromMilliseconds(subportPeriodMilliseconds, largestPipeBestEffortRate));

    /// <summary>Bytes a pipe of oversubscription weight <paramref name="weight"/> may send in best effort this period.</summary>
    public readonly long Allowance(int weight) => _value * weight;

    /// <summary>Adapts the watermark at a subport period boundary from the period that just ended.</summary>
    /// <param name="bestEffortBudget">The subport's best-effort credits per period, in bytes.</param>
    /// <param name="higherClassesConsumed">Bytes the strict-priority classes consumed in the period.</param>
    /// <param name="bestEffortConsumed">Bytes best effort consumed in the period.</param>
    /// <param name="mtu">The slack below which best effort counts as having used all it could: one MTU.</param>
    /// <returns>The new watermark.</returns>
    public long Update(long bestEffortBudget, long higherClassesConsumed, long bestEffortConsumed, long mtu)
    {
        long available = bestEffortBudget - higherClassesConsumed;
        if (bestEffortConsumed > available - mtu)
        {
            long shrunk = _value - (_value >> 7);
            _value = shrunk > Minimum ? shrunk : Minimum;
        }
        else
        {
            long grown = _value + (_value >> 7) + 1;
            _value = grown < Maximum ? grown : Maximum;
        }

        Debug.Assert(_value >= Minimum && _value <= Maximum, "the watermark stays within its bounds");
        return _value;
    }
}
