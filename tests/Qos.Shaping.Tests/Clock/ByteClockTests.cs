using System;
using NUnit.Framework;
using Qos.Shaping.Clock;

namespace Qos.Shaping.Tests.Clock;

[TestFixture]
public sealed class ByteClockTests
{
    [TestCase(1_250_000_000L, 1_000_000_000L)] // 10GbE, nanosecond ticks
    [TestCase(3_125_000_000L, 10_000_000L)]    // 25GbE, 100 ns ticks: 312.5 bytes per tick
    [TestCase(1_250_000_000L, 2_994_382_617L)] // a TSC-like frequency sharing no factor with the rate
    [TestCase(305_000L, 1_000_000_000L)]       // 2.44 Mbit/s: far less than one byte per tick
    public void Conversion_has_zero_drift_after_a_billion_bytes(long portRate, long ticksPerSecond)
    {
        var rng = new Random(7);
        long start = 123_456_789;
        var converter = new TickToByteConverter(portRate, ticksPerSecond, start);
        long ticks = start;
        long bytes = 0;
        while (bytes < 1_000_000_000)
        {
            ticks += rng.Next(1, 20_000_000);
            bytes = converter.Advance(ticks);
            long exact = (long)((Int128)(ticks - start) * portRate / ticksPerSecond);
            if (bytes != exact)
            {
                Assert.Fail($"after {ticks - start} ticks the clock reads {bytes} bytes, exact is {exact}");
            }
        }

        Assert.That(bytes, Is.GreaterThanOrEqualTo(1_000_000_000), "the run covered 10^9 bytes of line time");
    }

    [Test]
    public void Conversion_survives_a_gap_that_would_overflow_64_bit_products()
    {
        var converter = new TickToByteConverter(3_125_000_000, 1_000_000_000, 0);
        long tenDaysOfTicks = 10L * 24 * 3600 * 1_000_000_000;
        long bytes = converter.Advance(tenDaysOfTicks);
        Assert.That(bytes, Is.EqualTo(10L * 24 * 3600 * 3_125_000_000), "ten days at 25GbE, computed without overflow");
    }

    [Test]
    public void Virtual_clock_moves_only_when_told_and_never_backwards()
    {
        var clock = new VirtualByteClock(1_250_000_000, start: 100);
        Assert.That(clock.Now(), Is.EqualTo(100));
        clock.Advance(84);
        Assert.That(clock.Now(), Is.EqualTo(184));
        clock.Set(1000);
        Assert.That(clock.Now(), Is.EqualTo(1000));
        var back = Assert.Throws<ArgumentOutOfRangeException>(() => clock.Set(999));
        Assert.That(back!.Message, Does.Contain("999").And.Contain("earlier"));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(-1));
    }

    [Test]
    public void Stopwatch_clock_is_monotonic_and_counts_in_the_port_rate()
    {
        var clock = new StopwatchByteClock(1_250_000_000);
        long previous = clock.Now();
        for (int i = 0; i < 1000; i++)
        {
            long now = clock.Now();
            Assert.That(now, Is.GreaterThanOrEqualTo(previous), "byte time never decreases");
            previous = now;
        }

        Assert.That(clock.PortRate, Is.EqualTo(1_250_000_000));
    }

    [Test]
    public void Line_time_converts_milliseconds_and_nanoseconds_at_the_port_rate()
    {
        Assert.That(LineTime.FromMilliseconds(40, 1_250_000_000), Is.EqualTo(50_000_000));
        Assert.That(LineTime.FromNanoseconds(67, 1_250_000_000), Is.EqualTo(83), "67 ns at 10GbE is 83.75 bytes, rounded down");
        Assert.That(LineTime.ToNanoseconds(84, 1_250_000_000), Is.EqualTo(67), "84 bytes at 10GbE take 67.2 ns");
        Assert.Throws<ArgumentOutOfRangeException>(() => LineTime.FromMilliseconds(1, 0));
    }
}
