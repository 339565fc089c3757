using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Qos.Shaping.TokenBucket;

/// <summary>
/// The per-node half of a token bucket: credits and the time they were last brought up to date.
/// Operations take the node's <see cref="TokenBucketProfile"/> and the time in bytes of line time.
/// </summary>
/// <remarks>
/// A saturating counter: credits grow by the profile's rate with elapsed line time and never exceed the size;
/// a packet of cost <c>length + frame overhead</c> bytes may leave when the credits cover it.
/// </remarks>
public struct TokenBucketState
{
    private long _scaledCredits;
    private long _time;

    /// <summary>A full bucket whose time is <paramref name="now"/>.</summary>
    public static TokenBucketState Full(in TokenBucketProfile profile, long now) =>
        new() { _scaledCredits = profile.ScaledSize, _time = now };

    /// <summary>An empty bucket whose time is <paramref name="now"/>.</summary>
    public static TokenBucketState Empty(long now) => new() { _time = now };

    /// <summary>Time of the last refill, in bytes of line time.</summary>
    public readonly long Time => _time;

    /// <summary>Whole bytes of credit (the fraction below one byte is kept but not shown).</summary>
    public readonly long Credits(in TokenBucketProfile profile) => _scaledCredits / profile.Ratio.Period;

    /// <summary>Adds the credit earned since the last refill, saturating at the bucket size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Refill(in TokenBucketProfile profile, long now)
    {
        long elapsed = now - _time;
        Debug.Assert(elapsed >= 0, "time never goes backwards");
        _time = now;
        if (elapsed >= profile.FillTime)
        {
            _scaledCredits = profile.ScaledSize;
            return;
        }

        // elapsed < FillTime bounds the product by ScaledSize + Credits: no overflow.
        long credits = _scaledCredits + (elapsed * profile.Ratio.Credits);
        _scaledCredits = credits < profile.ScaledSize ? credits : profile.ScaledSize;
    }

    /// <summary>True when the bucket holds at least <paramref name="bytes"/> of credit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Covers(in TokenBucketProfile profile, long bytes) =>
        _scaledCredits >= bytes * profile.Ratio.Period;

    /// <summary>Takes <paramref name="bytes"/> of credit, which <see cref="Covers"/> must have allowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Consume(in TokenBucketProfile profile, long bytes)
    {
        _scaledCredits -= bytes * profile.Ratio.Period;
        Debug.Assert(_scaledCredits >= 0, "a bucket is never overdrawn");
    }

    /// <summary>True when the bucket holds at least <paramref name="scaledCost"/>, a cost from <see cref="TokenBucketProfile.Scale"/>.</summary>
    /// <remarks>For callers that check several buckets before consuming from any: the cost is scaled once.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool CoversScaled(long scaledCost) => _scaledCredits >= scaledCost;

    /// <summary>Takes <paramref name="scaledCost"/> (from <see cref="TokenBucketProfile.Scale"/>), which <see cref="CoversScaled"/> must have allowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ConsumeScaled(long scaledCost)
    {
        _scaledCredits -= scaledCost;
        Debug.Assert(_scaledCredits >= 0, "a bucket is never overdrawn");
    }

    /// <summary>Takes <paramref name="bytes"/> of credit if the bucket covers them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryConsume(in TokenBucketProfile profile, long bytes)
    {
        long cost = bytes * profile.Ratio.Period;
        if (_scaledCredits < cost)
        {
            return false;
        }

        _scaledCredits -= cost;
        return true;
    }

    /// <summary>Keeps the whole-byte credit across a change of profile, clamped to the new size.</summary>
    public void Rebind(in TokenBucketProfile from, in TokenBucketProfile to)
    {
        long bytes = _scaledCredits / from.Ratio.Period;
        long scaled = bytes * to.Ratio.Period;
        _scaledCredits = scaled < to.ScaledSize ? scaled : to.ScaledSize;
    }
}
