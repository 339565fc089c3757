using NUnit.Framework;
using Qos.TrafficManager.Profiles;

namespace Qos.TrafficManager.Tests.Profiles;

[TestFixture]
public sealed class ProfileUnitsTests
{
    [TestCase("10gbps", 1_250_000_000)]
    [TestCase("10Gbps", 1_250_000_000)]
    [TestCase("2.44mbps", 305_000)]
    [TestCase("100 kbps", 12_500)]
    [TestCase("8bps", 1)]
    [TestCase("1250000000", 1_250_000_000)]
    [TestCase("125B/s", 125)]
    [TestCase("1.5kB/s", 1_500)]
    [TestCase("40 MB/s", 40_000_000)]
    [TestCase("1.25GB/s", 1_250_000_000)]
    [TestCase("12bps", 2)]
    public void Rates_are_bits_or_bytes_per_second(string text, long bytesPerSecond)
    {
        Assert.That(Units.ParseRate(text, out long value), Is.Null);
        Assert.That(value, Is.EqualTo(bytesPerSecond));
    }

    [TestCase("10 gbit")]
    [TestCase("MB/s")]
    [TestCase("-5mbps")]
    [TestCase("1e9")]
    [TestCase("1.2.3mbps")]
    [TestCase("99999999999999999999999999gbps")]
    [TestCase("10MBps")]
    public void Other_rate_spellings_are_refused(string text) =>
        Assert.That(Units.ParseRate(text, out _), Is.Not.Null);

    [TestCase("1MB", 1_000_000)]
    [TestCase("1 kB", 1_000)]
    [TestCase("64KiB", 65_536)]
    [TestCase("2MiB", 2_097_152)]
    [TestCase("1522", 1_522)]
    [TestCase("1522B", 1_522)]
    [TestCase("1.5kB", 1_500)]
    public void Sizes_are_decimal_or_binary_multiples_of_bytes(string text, long bytes)
    {
        Assert.That(Units.ParseSize(text, out long value), Is.Null);
        Assert.That(value, Is.EqualTo(bytes));
    }

    [TestCase("1KB")]
    [TestCase("0.5B")]
    [TestCase("1.0001kB")]
    [TestCase("1mb")]
    public void Ambiguous_or_fractional_sizes_are_refused(string text) =>
        Assert.That(Units.ParseSize(text, out _), Is.Not.Null);

    [TestCase("10ms", 10)]
    [TestCase("1s", 1_000)]
    [TestCase("0.04s", 40)]
    [TestCase("2000us", 2)]
    [TestCase("1000000ns", 1)]
    public void Times_are_whole_milliseconds(string text, long milliseconds)
    {
        Assert.That(Units.ParseMilliseconds(text, out long value), Is.Null);
        Assert.That(value, Is.EqualTo(milliseconds));
    }

    [TestCase("500us")]
    [TestCase("40")]
    [TestCase("10 min")]
    public void Times_need_a_unit_and_whole_milliseconds(string text) =>
        Assert.That(Units.ParseMilliseconds(text, out _), Is.Not.Null);
}
