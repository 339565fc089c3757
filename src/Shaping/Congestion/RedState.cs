using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Qos.Shaping.Congestion;

/// <summary>
/// The per-queue half of weighted RED: the average queue length, the packets accepted since the last drop,
/// and when the queue went empty. Decisions take the queue's <see cref="RedProfile"/>, the time in bytes of
/// line time and a uniform random 32-bit number, so they are deterministic under test. <c>default</c> is an
/// empty, never-congested queue.
/// </summary>
/// <remarks>
/// <para>On each arrival the average first follows the queue: <c>avg += (q − avg) × 2^-n</c> when the queue holds
/// <c>q &gt; 0</c> packets, or, when it has been empty since <see cref="MarkEmpty"/>, <c>avg ×= (1 − 2^-n)^m</c> with
/// <c>m</c> the idle time in typical packets. The step rounds towards <c>q</c>, so a constant queue length is
/// reached exactly rather than approached to within 2^-n of the last fractional bit.</para>
/// <para>Then the colour's thresholds decide: accept below min, drop from max, and in between drop with
/// <c>pa = pb / (1 − count × pb)</c>, where <c>pb</c> is the linear ramp and <c>count</c> the packets accepted since
/// the last drop (Floyd and Jacobson's uniformisation: the gap between drops becomes uniform on 1..1/pb instead of
/// geometric, so drops are spread out and the long-run drop fraction is about <c>2pb / (1 + pb)</c>). The test
/// <c>random &lt; pa × 2^32</c> is done exactly in integers as <c>random × (scale − count × n) &lt; n × 2^32</c>, with
/// <c>n = avg − min</c> and <c>scale = (max − min) × inverse</c> in fixed point: no division, no floating point.</para>
/// </remarks>
public struct RedState
{
    private long _average;
    private uint _count;
    private bool _empty;
    private long _emptySince;

    /// <summary>The average queue length in packets (resolution 2^-<see cref="RedProfile.FractionBits"/>).</summary>
    public readonly double Average => Math.ScaleB(_average, -RedProfile.FractionBits);

    /// <summary>Records that the queue became empty at <paramref name="now"/> (bytes of line time), so the next arrival ages the average.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MarkEmpty(long now)
    {
        _empty = true;
        _emptySince = now;
    }

    /// <summary>Updates the average for one arrival and decides whether to drop the packet.</summary>
    /// <param name="profile">The queue's WRED profile.</param>
    /// <param name="color">The packet's colour: selects the thresholds.</param>
    /// <param name="queueLength">Packets in the queue before this one (&gt;= 0; lengths above <see cref="RedParameters.MaxQueueLength"/> count as that).</param>
    /// <param name="now">Arrival time in bytes of line time; used only when the queue is empty.</param>
    /// <param name="random">A uniform random number: the packet is dropped when <c>random &lt; pa × 2^32</c>.</param>
    /// <returns>True to drop the packet.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ShouldDrop(in RedProfile profile, PacketColor color, int queueLength, long now, uint random)
    {
        Debug.Assert(queueLength >= 0, "a queue length is never negative");
        if (queueLength > 0)
        {
            _empty = false;
            Follow(profile.WeightLog2, queueLength);
        }
        else if (_empty)
        {
            AgeIdle(profile, now);
        }
        else
        {
            // Why: the caller did not report when the queue emptied, so this is one ordinary sample of 0.
            Follow(profile.WeightLog2, 0);
        }

        return Decide(profile.For(color), random);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Follow(int weightLog2, int queueLength)
    {
        long target = (long)Math.Min(queueLength, RedParameters.MaxQueueLength) << RedProfile.FractionBits;
        long gap = target - _average;
        // Why: an arithmetic shift rounds down, which for a positive gap would stall the average 2^n − 1
        // fixed-point units short of the target; rounding up there moves it at least one unit, never past it.
        long mask = (1L << weightLog2) - 1;
        _average += gap >= 0 ? (gap + mask) >> weightLog2 : gap >> weightLog2;
        Debug.Assert(_average >= 0 && _average <= (long)RedParameters.MaxQueueLength << RedProfile.FractionBits, "the average stays between 0 and the largest queue length");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AgeIdle(in RedProfile profile, long now)
    {
        long idle = now - _emptySince;
        Debug.Assert(idle >= 0, "time never goes backwards");
        long samples = idle / profile.IdlePacketCost;
        _average = profile.Decay(_average, samples);
        // Why: the queue may still be empty after this arrival (if it is dropped); keep the part of a packet
        // time not yet counted so that later arrivals age the average for exactly the remaining idle time.
        _emptySince = _average == 0 ? now : _emptySince + (samples * profile.IdlePacketCost);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Decide(in RedParameters thresholds, uint random)
    {
        long excess = _average - ((long)thresholds.MinThreshold << RedProfile.FractionBits);
        if (excess <= 0)
        {
            _count = 0;
            return false;
        }

        if (_average >= (long)thresholds.MaxThreshold << RedProfile.FractionBits)
        {
            _count = 0;
            return true;
        }

        return DecideOnRamp(thresholds.RampScale, (ulong)excess, random);
    }

    private bool DecideOnRamp(long rampScale, ulong excess, uint random)
    {
        // pb = excess / rampScale and pa = pb / (1 − count × pb) = excess / (rampScale − count × excess).
        // Why no overflow: excess < 2^32 and count < 2^32; excess << 32 < 2^64; the product below is 128-bit.
        ulong spent = _count * excess;
        ulong scale = (ulong)rampScale;
        bool drop = spent >= scale || IsBelow(random, scale - spent, excess);
        if (drop)
        {
            _count = 0;
        }
        else if (_count != uint.MaxValue)
        {
            // Why saturate: reaching 2^32 accepts in a row needs pb < 2^-32, where the error is immaterial.
            _count++;
        }

        return drop;
    }

    /// <summary>True when <c>random / 2^32 &lt; excess / denominator</c>, exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsBelow(uint random, ulong denominator, ulong excess)
    {
        ulong high = Math.BigMul(random, denominator, out ulong low);
        return high == 0 && low < excess << 32;
    }
}
