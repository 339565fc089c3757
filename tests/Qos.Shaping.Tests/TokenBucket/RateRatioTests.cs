using System;
using NUnit.Framework;
using Qos.Shaping.TokenBucket;

namespace Qos.Shaping.Tests.TokenBucket;

[TestFixture]
public sealed class RateRatioTests
{
    [Test]
    public void Equal_rates_are_exactly_one_credit_per_byte()
    {
        Assert.That(RateRatio.FromRates(1_250_000_000, 1_250_000_000), Is.EqualTo(new RateRatio(1, 1)));
        Assert.That(RateRatio.FromRates(123_456_789_013, 123_456_789_013), Is.EqualTo(new RateRatio(1, 1)));
    }

    [Test]
    public void A_ratio_that_fits_is_kept_exact_and_reduced()
    {
        // 2.44 Mbit/s on 10GbE: 305000 / 1250000000 = 61 / 250000.
        Assert.That(RateRatio.FromRates(305_000, 1_250_000_000), Is.EqualTo(new RateRatio(61, 250_000)));
    }

    [Test]
    public void Approximation_is_within_1e_minus_7_for_rates_from_1kBps_on_ports_up_to_1Pbps_and_buckets_up_to_4GiB()
    {
        var rng = new Random(11);
        for (int i = 0; i < 20_000; i++)
        {
            // Large port rates with few common factors force the approximation path; the 4 GiB bucket gives the tightest bound.
            long port = rng.NextInt64(1_000_000_000_000, 125_000_000_000_000);
            long rate = i % 2 == 0 ? rng.NextInt64(1, port + 1) : rng.NextInt64(1_000, 1_000_000);
            long bound = i % 4 < 2 ? RateRatio.MaxPeriod : TokenBucketProfile.PeriodBound(TokenBucketProfile.MaxSize);
            if ((Int128)rate * bound < port)
            {
                continue; // below 1 / bound of the port: refused, tested below
            }

            var ratio = RateRatio.FromRates(rate, port, bound);
            double exact = (double)rate / port;
            double error = Math.Abs(ratio.Value - exact) / exact;
            Assert.That(ratio.Period, Is.LessThanOrEqualTo(bound), "the period stays within its bound");
            if (error >= 1e-7)
            {
                Assert.Fail($"rate {rate} / port {port} approximated as {ratio.Credits}/{ratio.Period}: relative error {error:E2}");
            }
        }
    }

    [Test]
    public void The_approximation_is_the_best_with_a_bounded_period()
    {
        const long Numerator = 314_159_265, Denominator = 1_000_000_000, MaxPeriod = 1000;
        var ratio = RateRatio.Approximate(Numerator, Denominator, MaxPeriod);
        decimal x = (decimal)Numerator / Denominator;
        decimal error = Math.Abs(((decimal)ratio.Credits / ratio.Period) - x);
        decimal best = decimal.MaxValue;
        for (long q = 1; q <= MaxPeriod; q++)
        {
            decimal p = Math.Round(x * q);
            best = Math.Min(best, Math.Abs((p / q) - x));
        }

        Assert.That(ratio.Period, Is.LessThanOrEqualTo(MaxPeriod));
        Assert.That(error, Is.EqualTo(best), "no fraction with a period up to the bound is closer (brute force)");
    }

    [Test]
    public void A_rate_too_small_to_represent_is_refused_not_rounded_up()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RateRatio.FromRates(1, 1L << 50, maxPeriod: 1L << 30));
        Assert.That(e!.Message, Does.Contain("smallest rate"));
    }

    [TestCase(0L)]
    [TestCase(-5L)]
    [TestCase(1_250_000_001L)]
    public void Rates_outside_zero_to_port_rate_are_refused(long rate)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RateRatio.FromRates(rate, 1_250_000_000));
        Assert.That(e!.Message, Does.Contain("rate").And.Contain(rate.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
