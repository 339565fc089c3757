using System;
using System.Diagnostics;
using System.Numerics;
using Qos.Shaping.Internal;

namespace Qos.Shaping.Congestion;

/// <summary>
/// A weighted RED profile, typically one per traffic class: a <see cref="RedParameters"/> set per
/// <see cref="PacketColor"/>, the EWMA weight <c>2^-<see cref="WeightLog2"/></c> they share, and the line time of a
/// typical packet used to age the average while the queue sits empty. Many queues share one profile.
/// </summary>
/// <remarks>
/// The average queue length is kept in fixed point with <see cref="FractionBits"/> fractional bits. While the
/// queue is empty the average decays as if <c>m = idle / <see cref="IdlePacketCost"/></c> packets had found it empty,
/// <c>avg × (1 − 2^-n)^m</c>; the profile precomputes <c>(1 − 2^-n)^(2^k)</c> so that the power costs one
/// multiply per set bit of <c>m</c> and no division or floating point.
/// </remarks>
public readonly struct RedProfile
{
    /// <summary>Fractional bits of the fixed-point average: a resolution of 1/65536 packet.</summary>
    public const int FractionBits = 16;

    /// <summary>Smallest <see cref="WeightLog2"/>: weight 1/2.</summary>
    public const int MinWeightLog2 = 1;

    /// <summary>Largest <see cref="WeightLog2"/>: weight 1/4096.</summary>
    public const int MaxWeightLog2 = 12;

    /// <summary>
    /// Default <see cref="IdlePacketCost"/>: 88 bytes of line time, a 64-byte minimum Ethernet frame plus 24 bytes of
    /// preamble, inter-frame gap and framing overhead. Why: this is the fastest rate at which packets could have
    /// found the queue empty, so the average forgets an idle period as quickly as it plausibly can (the
    /// "small packet" of Floyd and Jacobson): a stale high average never outlives the congestion that built it.
    /// </summary>
    public const long DefaultIdlePacketCost = 64 + 24;

    private const int FactorBits = 32;

    private readonly RedDecayTable _decay;

    /// <summary>Creates a validated profile.</summary>
    /// <param name="green">Thresholds for green packets.</param>
    /// <param name="yellow">Thresholds for yellow packets (usually lower than green).</param>
    /// <param name="red">Thresholds for red packets (usually the lowest).</param>
    /// <param name="weightLog2">EWMA weight exponent n, <see cref="MinWeightLog2"/>..<see cref="MaxWeightLog2"/>: each sample moves the average by 2^-n of the gap.</param>
    /// <param name="idlePacketCost">Line time, in bytes, of the typical packet that ages the average while the queue is empty (&gt; 0).</param>
    public RedProfile(RedParameters green, RedParameters yellow, RedParameters red, int weightLog2, long idlePacketCost = DefaultIdlePacketCost)
    {
        RequireSet(green, nameof(green));
        RequireSet(yellow, nameof(yellow));
        RequireSet(red, nameof(red));
        if (weightLog2 < MinWeightLog2 || weightLog2 > MaxWeightLog2)
        {
            ThrowHelper.OutOfRange(nameof(weightLog2), weightLog2, $"must be between {MinWeightLog2} and {MaxWeightLog2}");
        }

        if (idlePacketCost <= 0)
        {
            ThrowHelper.OutOfRange(nameof(idlePacketCost), idlePacketCost, "must be a positive number of bytes of line time");
        }

        Green = green;
        Yellow = yellow;
        Red = red;
        WeightLog2 = weightLog2;
        IdlePacketCost = idlePacketCost;

        double keep = 1.0 - Math.ScaleB(1.0, -weightLog2);
        int bits = 0;
        for (int k = 0; k < RedDecayTable.Length; k++)
        {
            double factor = Math.Pow(keep, Math.ScaleB(1.0, k));
            uint scaled = (uint)Math.Round(Math.ScaleB(factor, FactorBits));
            _decay[k] = scaled;
            if (scaled != 0)
            {
                bits = k + 1;
            }
        }

        Debug.Assert(bits < RedDecayTable.Length, "the table reaches a zero factor for every allowed weight");
        DecayBits = bits;
    }

    /// <summary>Thresholds for green packets.</summary>
    public RedParameters Green { get; }

    /// <summary>Thresholds for yellow packets.</summary>
    public RedParameters Yellow { get; }

    /// <summary>Thresholds for red packets.</summary>
    public RedParameters Red { get; }

    /// <summary>EWMA weight exponent n: the weight is 2^-n.</summary>
    public int WeightLog2 { get; }

    /// <summary>Line time of a typical packet, in bytes: the idle time that counts as one empty-queue sample.</summary>
    public long IdlePacketCost { get; }

    /// <summary>Idle samples of 2^DecayBits or more take any average to zero.</summary>
    private int DecayBits { get; }

    /// <summary>The threshold set for <paramref name="color"/>; an unknown colour is treated as red.</summary>
    internal RedParameters For(PacketColor color)
    {
        Debug.Assert(color <= PacketColor.Red, "a colour is green, yellow or red");
        return color switch
        {
            PacketColor.Green => Green,
            PacketColor.Yellow => Yellow,
            _ => Red,
        };
    }

    /// <summary>
    /// <paramref name="average"/> (fixed point) × (1 − 2^-n)^<paramref name="samples"/>, rounded down.
    /// </summary>
    internal long Decay(long average, long samples)
    {
        Debug.Assert(average >= 0 && average <= (long)RedParameters.MaxQueueLength << FractionBits, "the average stays within 32 bits");
        Debug.Assert(samples >= 0, "idle time is never negative");
        if (samples >> DecayBits != 0)
        {
            return 0;
        }

        ulong value = (ulong)average;
        ulong rest = (ulong)samples;
        while (rest != 0 && value != 0)
        {
            int k = BitOperations.TrailingZeroCount(rest);
            // Why no overflow: the average is below 2^32 and a factor below 2^32.
            value = (value * _decay[k]) >> FactorBits;
            rest &= rest - 1;
        }

        return (long)value;
    }

    private static void RequireSet(in RedParameters parameters, string name)
    {
        if (!parameters.IsSet)
        {
            ThrowHelper.Argument(name, $"{name} has no thresholds: build it with the RedParameters constructor");
        }
    }
}
