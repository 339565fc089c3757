using System;
using System.Runtime.CompilerServices;
using Qos.Shaping.Internal;

namespace Qos.Shaping.TokenBucket;

/// <summary>
/// The shared, read-only half of a token bucket: rate as a <see cref="RateRatio"/> of the port rate and size.
/// Many buckets (for example every pipe of a pipe profile) share one profile.
/// </summary>
/// <remarks>
/// Credits are kept scaled by <see cref="RateRatio.Period"/> so that a refill is one multiply with no
/// division and no rounding: a bucket earns exactly <c>elapsed × Credits</c> scaled credits for
/// <c>elapsed</c> bytes of line time, and a packet of cost <c>c</c> bytes takes <c>c × Period</c>.
/// </remarks>
public readonly struct TokenBucketProfile
{
    /// <summary>Largest bucket size in bytes (4 GiB).</summary>
    public const long MaxSize = 1L << 32;

    /// <summary>Largest packet cost a bucket is asked about, in bytes; see <see cref="PeriodBound"/>.</summary>
    private const long MaxCost = 1L << 16;

    /// <summary>Creates a profile for a bucket filling at <paramref name="rateBytesPerSecond"/> up to <paramref name="sizeBytes"/>.</summary>
    /// <param name="rateBytesPerSecond">Fill rate in bytes per second, 0 &lt; rate &lt;= port rate.</param>
    /// <param name="sizeBytes">Bucket size in bytes, 1..<see cref="MaxSize"/>.</param>
    /// <param name="portRateBytesPerSecond">Port rate in bytes per second: the clock's unit.</param>
    public TokenBucketProfile(long rateBytesPerSecond, long sizeBytes, long portRateBytesPerSecond)
    {
        if (sizeBytes <= 0 || sizeBytes > MaxSize)
        {
            ThrowHelper.OutOfRange(nameof(sizeBytes), sizeBytes, $"must be between 1 and {MaxSize} bytes");
        }

        Ratio = RateRatio.FromRates(rateBytesPerSecond, portRateBytesPerSecond, PeriodBound(sizeBytes));
        Rate = rateBytesPerSecond;
        Size = sizeBytes;
        ScaledSize = sizeBytes * Ratio.Period;
        FillTime = (ScaledSize + Ratio.Credits - 1) / Ratio.Credits;
    }

    /// <summary>
    /// The largest period for a bucket of <paramref name="sizeBytes"/>. Why: scaled credits are
    /// <c>bytes × period</c>, so the size (or a 64 KiB packet cost) times the period must stay within 62 bits.
    /// </summary>
    internal static long PeriodBound(long sizeBytes) =>
        Math.Min(RateRatio.MaxPeriod, (1L << 62) / Math.Max(sizeBytes, MaxCost));

    /// <summary>Configured rate in bytes per second.</summary>
    public long Rate { get; }

    /// <summary>Bucket size in bytes: the most credit a bucket can hold.</summary>
    public long Size { get; }

    /// <summary>Rate relative to the port rate: credits per period of line time.</summary>
    public RateRatio Ratio { get; }

    /// <summary>The cost of <paramref name="bytes"/> in the bucket's scaled credits, for <see cref="TokenBucketState.CoversScaled"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Scale(long bytes) => bytes * Ratio.Period;

    /// <summary>Size in scaled credits (<see cref="Size"/> × period).</summary>
    internal long ScaledSize { get; }

    /// <summary>Bytes of line time that fill an empty bucket; any longer gap simply fills it.</summary>
    internal long FillTime { get; }
}
