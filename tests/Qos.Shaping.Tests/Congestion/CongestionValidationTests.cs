using System;
using NUnit.Framework;
using Qos.Shaping.Congestion;

namespace Qos.Shaping.Tests.Congestion;

[TestFixture]
public sealed class CongestionValidationTests
{
    private static readonly RedParameters Valid = new(32, 64, 10);

    private static void AssertRefused(TestDelegate build, string parameter, string value, string rule)
    {
        var e = Assert.Throws(Is.InstanceOf<ArgumentException>(), build) as ArgumentException;
        Assert.That(e!.ParamName, Is.EqualTo(parameter), "the exception names the parameter");
        Assert.That(e.Message, Does.Contain($"{parameter} ({value}) {rule}"), "the message states the parameter, its value and the rule");
    }

    [Test]
    public void Red_thresholds_out_of_order_or_range_are_refused_with_the_parameter_value_and_rule()
    {
        AssertRefused(() => _ = new RedParameters(70, 64, 10), "minThreshold", "70", "must be below maxThreshold (64)");
        AssertRefused(() => _ = new RedParameters(64, 64, 10), "minThreshold", "64", "must be below maxThreshold (64)");
        AssertRefused(() => _ = new RedParameters(0, 64, 10), "minThreshold", "0", "must be at least 1");
        AssertRefused(() => _ = new RedParameters(1, 65536, 10), "maxThreshold", "65536", "must be at most 65535");
        AssertRefused(() => _ = new RedParameters(1, 64, 0), "maxProbabilityInverse", "0", "must be between 1 and 255");
        AssertRefused(() => _ = new RedParameters(1, 64, 256), "maxProbabilityInverse", "256", "must be between 1 and 255");
    }

    [Test]
    public void Red_profiles_with_a_bad_weight_idle_cost_or_unset_colour_are_refused()
    {
        AssertRefused(() => _ = new RedProfile(Valid, Valid, Valid, 0), "weightLog2", "0", "must be between 1 and 12");
        AssertRefused(() => _ = new RedProfile(Valid, Valid, Valid, 13), "weightLog2", "13", "must be between 1 and 12");
        AssertRefused(() => _ = new RedProfile(Valid, Valid, Valid, 9, idlePacketCost: 0), "idlePacketCost", "0", "must be a positive");
        var e = Assert.Throws<ArgumentException>(() => _ = new RedProfile(Valid, default, Valid, 9));
        Assert.That(e!.ParamName, Is.EqualTo("yellow"), "a default (unset) colour is refused by name");
    }

    [Test]
    public void Pie_parameters_out_of_range_are_refused_with_the_parameter_value_and_rule()
    {
        const long Port = 12_500_000;
        AssertRefused(() => _ = new PieParameters(999, 64), "portRateBytesPerSecond", "999", "must be at least 1000");
        AssertRefused(() => _ = new PieParameters(Port, 0), "tailDropThreshold", "0", "must be at least 1 packet");
        AssertRefused(() => _ = new PieParameters(Port, 64, queueDelayReferenceMilliseconds: 0), "queueDelayReferenceMilliseconds", "0", "must be between 1 and 10000 ms");
        AssertRefused(() => _ = new PieParameters(Port, 64, updateIntervalMilliseconds: 0), "updateIntervalMilliseconds", "0", "must be between 1 and 10000 ms");
        AssertRefused(() => _ = new PieParameters(Port, 64, maxBurstMilliseconds: -1), "maxBurstMilliseconds", "-1", "must be between 0 and 10000 ms");
        AssertRefused(() => _ = new PieParameters(Port, 64, updateIntervalMilliseconds: 10_001), "updateIntervalMilliseconds", "10001", "must be between 1 and 10000 ms");
    }

    [Test]
    public void Pie_times_are_stored_in_bytes_of_line_time()
    {
        var parameters = new PieParameters(12_500_000, 64);
        Assert.That(parameters.QueueDelayReference, Is.EqualTo(187_500), "15 ms × 12.5 MB/s / 1000");
        Assert.That(parameters.UpdateInterval, Is.EqualTo(187_500), "15 ms × 12.5 MB/s / 1000");
        Assert.That(parameters.MaxBurst, Is.EqualTo(1_875_000), "150 ms × 12.5 MB/s / 1000");
    }
}
