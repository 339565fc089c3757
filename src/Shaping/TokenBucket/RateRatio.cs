using System;
using System.Diagnostics;
using Qos.Shaping.Internal;

namespace Qos.Shaping.TokenBucket;

/// <summary>
/// A rate relative to the port rate as a fraction <c>Credits / Period</c>: the node earns
/// <see cref="Credits"/> bytes of credit for every <see cref="Period"/> bytes of line time.
/// </summary>
/// <remarks>
/// Found as the best rational approximation of <c>rate / portRate</c> whose period is at most a bound
/// (continued fractions with semiconvergents). When the reduced exact fraction fits, it is used as is, so
/// equal rates give exactly 1/1. Otherwise the relative error is below <c>1 / (Credits × bound)</c>: under
/// 1e-9 with the smallest bound a token bucket uses (2^30, for a 4 GiB bucket).
/// </remarks>
public readonly record struct RateRatio(long Credits, long Period)
{
    /// <summary>Default bound on the period: 2^40 bytes of line time.</summary>
    public const long MaxPeriod = 1L << 40;

    /// <summary>The ratio as a floating-point number, for reporting.</summary>
    public double Value => (double)Credits / Period;

    /// <summary>Approximates <paramref name="rate"/> / <paramref name="portRate"/>; requires 0 &lt; rate &lt;= portRate.</summary>
    /// <param name="rate">Node rate in bytes per second.</param>
    /// <param name="portRate">Port rate in bytes per second.</param>
    /// <param name="maxPeriod">Largest period allowed (&gt;= 1); see <see cref="MaxPeriod"/>.</param>
    public static RateRatio FromRates(long rate, long portRate, long maxPeriod = MaxPeriod)
    {
        if (portRate <= 0)
        {
            ThrowHelper.OutOfRange(nameof(portRate), portRate, "must be positive");
        }

        if (rate <= 0 || rate > portRate)
        {
            ThrowHelper.OutOfRange(nameof(rate), rate, $"must be positive and at most the port rate {portRate}");
        }

        if ((Int128)rate * maxPeriod < portRate)
        {
            ThrowHelper.OutOfRange(nameof(rate), rate, $"is below the smallest rate representable on a {portRate} B/s port (port rate / {maxPeriod})");
        }

        return Approximate(rate, portRate, maxPeriod);
    }

    /// <summary>Best approximation of <paramref name="numerator"/>/<paramref name="denominator"/> with a period of at most <paramref name="maxPeriod"/>.</summary>
    internal static RateRatio Approximate(long numerator, long denominator, long maxPeriod)
    {
        long g = Gcd(numerator, denominator);
        long n = numerator / g, d = denominator / g;
        if (d <= maxPeriod)
        {
            return new RateRatio(n, d);
        }

        // Convergents h/k of the continued fraction of n/d; stop before k exceeds maxPeriod.
        long hPrev = 0, kPrev = 1, h = 1, k = 0;
        long a = n, b = d;
        while (b != 0)
        {
            long q = a / b;
            long hNext = (q * h) + hPrev, kNext = (q * k) + kPrev;
            if (kNext > maxPeriod)
            {
                // The best semiconvergent uses the largest t with t×k + kPrev <= maxPeriod; it is only
                // better than h/k when t >= q/2 (Legendre), so compare the two errors exactly.
                long t = (maxPeriod - kPrev) / k;
                long hs = (t * h) + hPrev, ks = (t * k) + kPrev;
                return t > 0 && CloserTo(n, d, hs, ks, h, k) ? Positive(hs, ks) : Positive(h, k);
            }

            (hPrev, kPrev, h, k) = (h, k, hNext, kNext);
            (a, b) = (b, a - (q * b));
        }

        Debug.Fail("a fraction with a period above the bound always stops at a convergent");
        return Positive(h, k);
    }

    private static RateRatio Positive(long credits, long period)
    {
        Debug.Assert(credits > 0, "callers refuse ratios below 1 / maxPeriod");
        return new RateRatio(credits, period);
    }

    private static bool CloserTo(long n, long d, long h1, long k1, long h2, long k2)
    {
        Int128 e1 = Int128.Abs(((Int128)h1 * d) - ((Int128)n * k1)) * k2;
        Int128 e2 = Int128.Abs(((Int128)h2 * d) - ((Int128)n * k2)) * k1;
        return e1 < e2;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
