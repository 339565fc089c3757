using Qos.Shaping.Internal;

namespace Qos.Shaping.Congestion;

/// <summary>
/// The RED thresholds of one packet colour: below <see cref="MinThreshold"/> packets of average queue nothing
/// is dropped, from <see cref="MaxThreshold"/> on everything is, and in between the drop probability rises
/// linearly from 0 to <c>1 / <see cref="MaxProbabilityInverse"/></c>.
/// </summary>
public readonly struct RedParameters
{
    /// <summary>
    /// Largest threshold, in packets. Why: the average is kept in 32 bits with <see cref="RedProfile.FractionBits"/>
    /// fractional bits, and queue lengths above the largest threshold only ever mean "drop", so the average
    /// follows queue lengths up to this bound and saturates there.
    /// </summary>
    public const int MaxQueueLength = 65535;

    /// <summary>Largest <see cref="MaxProbabilityInverse"/>: the smallest ramp top is 1/255.</summary>
    public const int MaxInverse = 255;

    /// <summary>Creates a validated threshold set.</summary>
    /// <param name="minThreshold">Average queue length, in packets, where early drops begin: 1 &lt;= min &lt; max.</param>
    /// <param name="maxThreshold">Average queue length, in packets, from which every packet is dropped: at most <see cref="MaxQueueLength"/>.</param>
    /// <param name="maxProbabilityInverse">Inverse of the drop probability at the top of the ramp, 1..<see cref="MaxInverse"/> (10 means 1/10).</param>
    public RedParameters(int minThreshold, int maxThreshold, int maxProbabilityInverse)
    {
        if (minThreshold < 1)
        {
            ThrowHelper.OutOfRange(nameof(minThreshold), minThreshold, "must be at least 1 packet");
        }

        if (maxThreshold > MaxQueueLength)
        {
            ThrowHelper.OutOfRange(nameof(maxThreshold), maxThreshold, $"must be at most {MaxQueueLength} packets");
        }

        if (minThreshold >= maxThreshold)
        {
            ThrowHelper.OutOfRange(nameof(minThreshold), minThreshold, $"must be below maxThreshold ({maxThreshold})");
        }

        if (maxProbabilityInverse < 1 || maxProbabilityInverse > MaxInverse)
        {
            ThrowHelper.OutOfRange(nameof(maxProbabilityInverse), maxProbabilityInverse, $"must be between 1 and {MaxInverse}");
        }

        MinThreshold = minThreshold;
        MaxThreshold = maxThreshold;
        MaxProbabilityInverse = maxProbabilityInverse;
        RampScale = (long)(maxThreshold - minThreshold) * maxProbabilityInverse << RedProfile.FractionBits;
    }

    /// <summary>Average queue length, in packets, where early drops begin.</summary>
    public int MinThreshold { get; }

    /// <summary>Average queue length, in packets, from which every packet is dropped.</summary>
    public int MaxThreshold { get; }

    /// <summary>Inverse of the drop probability reached just below <see cref="MaxThreshold"/>.</summary>
    public int MaxProbabilityInverse { get; }

    /// <summary>
    /// <c>(max − min) × inverse</c> in fixed point: the ramp probability is <c>(avg − min) / RampScale</c> with
    /// both in fixed point, so the decision needs no division. Zero for a default (unset) value.
    /// </summary>
    internal long RampScale { get; }

    /// <summary>True when built by the constructor (a default value has no thresholds).</summary>
    internal bool IsSet => RampScale != 0;

    /// <summary>
    /// The ramp probability <c>pb</c> for an average queue of <paramref name="averagePackets"/>: 0 up to
    /// <see cref="MinThreshold"/>, <c>(avg − min) / (max − min) / inverse</c> below <see cref="MaxThreshold"/>, 1 from there.
    /// </summary>
    /// <remarks>For inspection and tests; the per-packet decision uses the same ramp in fixed point.</remarks>
    public double DropProbability(double averagePackets)
    {
        if (averagePackets <= MinThreshold)
        {
            return 0;
        }

        if (averagePackets >= MaxThreshold)
        {
            return 1;
        }

        return (averagePackets - MinThreshold) / ((double)(MaxThreshold - MinThreshold) * MaxProbabilityInverse);
    }
}
