using System;
using System.Linq;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Configuration;
using static Qos.TrafficManager.Tests.Conformance.Profiles;

namespace Qos.TrafficManager.Tests;

[TestFixture]
public sealed class ConfigurationValidationTests
{
    private const long Port = Gigabit;

    private static PortConfig Valid(Func<SubportConfig, SubportConfig>? subport = null, PipeProfileConfig? pipe = null, SubportProfileConfig? sub = null)
    {
        var s = new SubportConfig { Profile = 0, QueueSizes = Enumerable.Repeat(64, 13).ToArray(), Pipes = [new PipeGroup(8, 0)] };
        return new PortConfig
        {
            Rate = Port,
            SubportProfiles = [sub ?? Subport(Port)],
            PipeProfiles = [pipe ?? Pipe(1_000_000)],
            Subports = [subport is null ? s : subport(s)],
        };
    }

    private static ConfigurationException Refused(PortConfig config) =>
        Assert.Throws<ConfigurationException>(() => new PortScheduler(config, new VirtualByteClock(config.Rate > 0 ? config.Rate : 1)).Dispose())!;

    [Test]
    public void A_valid_configuration_builds()
    {
        using var scheduler = new PortScheduler(Valid(), new VirtualByteClock(Port));
        Assert.That(scheduler.PipeCount, Is.EqualTo(8));
    }

    [Test]
    public void A_class_rate_above_the_pipe_rate_is_refused_naming_the_field()
    {
        var rates = Rates(1_000_000);
        rates[7] = 2_000_000;
        var e = Refused(Valid(pipe: Pipe(1_000_000, classRates: rates)));
        Assert.That(e.Field, Is.EqualTo("pipe_profiles[0].tc_rates[7]"));
        Assert.That(e.Value, Is.EqualTo("2000000"));
        Assert.That(e.Message, Does.Contain("pipe rate 1000000"));
    }

    [TestCase(0, "must be 0 (class off) or a power of two")]
    [TestCase(48, "must be 0 (class off) or a power of two")]
    [TestCase(65536, "must be 0 (class off) or a power of two up to 32768")]
    public void Queue_sizes_must_be_powers_of_two(int size, string rule)
    {
        var e = Refused(Valid(s => new SubportConfig { QueueSizes = [64, 64, 64, size == 0 ? -1 : size, 64, 64, 64, 64, 64, 64, 64, 64, 64], Pipes = s.Pipes }));
        Assert.That(e.Field, Is.EqualTo("subports[0].queue_sizes[3]"));
        Assert.That(e.Rule, Does.StartWith(rule));
    }

    [Test]
    public void Best_effort_cannot_be_disabled()
    {
        var e = Refused(Valid(s => new SubportConfig { QueueSizes = [.. Enumerable.Repeat(64, 12), 0], Pipes = s.Pipes }));
        Assert.That(e.Field, Is.EqualTo("subports[0].queue_sizes[12]"));
        Assert.That(e.Rule, Does.Contain("best-effort"));
    }

    [Test]
    public void Unknown_profiles_and_pipe_counts_are_refused()
    {
        Assert.That(Refused(Valid(s => new SubportConfig { QueueSizes = s.QueueSizes, Pipes = [new PipeGroup(4, 3)] })).Field, Is.EqualTo("subports[0].pipes[0].profile"));
        Assert.That(Refused(Valid(s => new SubportConfig { QueueSizes = s.QueueSizes, Pipes = [new PipeGroup(0, 0)] })).Field, Is.EqualTo("subports[0].pipes[0].count"));
        Assert.That(Refused(Valid(s => new SubportConfig { QueueSizes = s.QueueSizes, Pipes = [new PipeGroup(65536, 0), new PipeGroup(1, 0)] })).Field, Is.EqualTo("subports[0].pipes"));
        Assert.That(Refused(Valid(s => new SubportConfig { Profile = 2, QueueSizes = s.QueueSizes, Pipes = s.Pipes })).Field, Is.EqualTo("subports[0].profile"));
    }

    [Test]
    public void Port_level_values_are_checked()
    {
        Assert.That(Refused(new PortConfig { Rate = 0 }).Field, Is.EqualTo("port.rate"));
        var v = Valid();
        Assert.That(Refused(new PortConfig { Rate = Port, Mtu = 10, SubportProfiles = v.SubportProfiles, PipeProfiles = v.PipeProfiles, Subports = v.Subports }).Field, Is.EqualTo("port.mtu"));
        Assert.That(Refused(new PortConfig { Rate = Port, SubportProfiles = v.SubportProfiles, PipeProfiles = v.PipeProfiles }).Field, Is.EqualTo("subports"));
    }

    [Test]
    public void Buckets_weights_and_periods_are_checked()
    {
        Assert.That(Refused(Valid(pipe: Pipe(1_000_000, bucket: 100))).Field, Is.EqualTo("pipe_profiles[0].bucket"));
        Assert.That(Refused(Valid(pipe: Pipe(1_000_000, wrr: [1, 2, 0, 4]))).Field, Is.EqualTo("pipe_profiles[0].wrr_weights[2]"));
        Assert.That(Refused(Valid(pipe: Pipe(1_000_000, weight: 256))).Field, Is.EqualTo("pipe_profiles[0].be_weight"));
        Assert.That(Refused(Valid(pipe: Pipe(1_000_000, periodMs: 0))).Field, Is.EqualTo("pipe_profiles[0].tc_period"));
        Assert.That(Refused(Valid(sub: Subport(2 * Port))).Field, Is.EqualTo("subport_profiles[0].rate"));
    }

    [Test]
    public void An_enabled_class_needs_a_rate()
    {
        var rates = Rates(1_000_000);
        rates[2] = 0;
        var e = Refused(Valid(pipe: Pipe(1_000_000, classRates: rates)));
        Assert.That(e.Field, Is.EqualTo("pipe_profiles[0].tc_rates[2]"));
        Assert.That(e.Rule, Does.Contain("enabled in subports[0]"));
    }

    [Test]
    public void A_pipe_class_whose_period_credit_is_below_one_frame_is_refused_with_the_rate_it_needs()
    {
        // 100 kB/s × 10 ms = 1000 B per period, less than one 1546 B frame (MTU 1522 + 24): an MTU packet would wait forever.
        var rates = Rates(1_000_000);
        rates[3] = 100_000;
        var e = Refused(Valid(pipe: Pipe(1_000_000, classRates: rates)));
        Assert.That(e.Field, Is.EqualTo("pipe_profiles[0].tc_rates[3]"), "the field is named in profile terms");
        Assert.That(e.Value, Is.EqualTo("100000"));
        Assert.That(e.Rule, Does.Contain("1000 B per 10 ms").And.Contain("1546 B").And.Contain("154600 B/s").And.Contain("16 ms"),
            "the rule gives the credit per period, one frame, and the rate or period that would be needed");
    }

    [Test]
    public void A_subport_class_whose_period_credit_is_below_one_frame_is_refused()
    {
        var rates = Rates(Port);
        rates[5] = 100_000;
        var e = Refused(Valid(sub: Subport(Port, classRates: rates)));
        Assert.That(e.Field, Is.EqualTo("subport_profiles[0].tc_rates[5]"), "subport profiles are checked as pipe profiles are");
        Assert.That(e.Rule, Does.Contain("154600 B/s"));
    }

    [Test]
    public void A_class_with_exactly_one_frame_per_period_is_accepted()
    {
        var rates = Rates(1_000_000);
        rates[3] = 154_600;
        Assert.DoesNotThrow(() => new PortScheduler(Valid(pipe: Pipe(1_000_000, classRates: rates)), new VirtualByteClock(Port)).Dispose(),
            "154600 B/s × 10 ms is one 1546 B frame: the class can send");
        rates[3] = 154_599;
        Assert.That(Refused(Valid(pipe: Pipe(1_000_000, classRates: rates))).Field, Is.EqualTo("pipe_profiles[0].tc_rates[3]"), "one byte per second less leaves 1545 B per period");
    }

    [Test]
    public void A_class_at_rate_zero_is_off_and_needs_no_frame_per_period()
    {
        var rates = Rates(1_000_000);
        rates[4] = 0;
        Assert.DoesNotThrow(() => new PortScheduler(
            Valid(s => new SubportConfig { QueueSizes = [64, 64, 64, 64, 0, 64, 64, 64, 64, 64, 64, 64, 64], Pipes = s.Pipes }, pipe: Pipe(1_000_000, classRates: rates)),
            new VirtualByteClock(Port)).Dispose(), "a class turned off (queue size 0) may have rate 0, as the validator allows");
    }

    [TestCase(1545, false)]
    [TestCase(1546, true)]
    public void A_bucket_must_hold_one_frame(long bucket, bool accepted)
    {
        var pipeConfig = Valid(pipe: Pipe(1_000_000, bucket: bucket));
        var subportConfig = Valid(sub: Subport(Port, bucket: bucket));
        if (accepted)
        {
            Assert.DoesNotThrow(() => new PortScheduler(pipeConfig, new VirtualByteClock(Port)).Dispose(), "a bucket of one frame can send an MTU packet");
            Assert.DoesNotThrow(() => new PortScheduler(subportConfig, new VirtualByteClock(Port)).Dispose(), "a bucket of one frame can send an MTU packet");
        }
        else
        {
            Assert.That(Refused(pipeConfig).Field, Is.EqualTo("pipe_profiles[0].bucket"), "a bucket below one frame could never send an MTU packet");
            Assert.That(Refused(subportConfig).Field, Is.EqualTo("subport_profiles[0].bucket"), "a bucket below one frame could never send an MTU packet");
        }
    }

    [Test]
    public void The_total_number_of_pipes_is_capped_at_2_to_the_27()
    {
        // Why: 2048 full subports are exactly 2^27 pipes; one pipe more and a queue index (pipe × 16 + queue) overflows an int.
        // Only the validator runs: a scheduler this size would need tens of GB.
        var atCap = Subports(2048, extra: 0);
        Assert.DoesNotThrow(() => ConfigValidator.Validate(atCap), "2^27 pipes over all subports fit");
        var e = Assert.Throws<ConfigurationException>(() => ConfigValidator.Validate(Subports(2048, extra: 1)))!;
        Assert.That(e.Field, Is.EqualTo("subports"), "the refusal names the subports");
        Assert.That(e.Value, Is.EqualTo("134217729"), "the value is the total number of pipes");
        Assert.That(e.Rule, Does.Contain("134217728"), "the rule gives the cap");
    }

    private static PortConfig Subports(int full, int extra)
    {
        var v = Valid();
        var subports = Enumerable.Range(0, full)
            .Select(_ => new SubportConfig { Profile = 0, QueueSizes = v.Subports[0].QueueSizes, Pipes = [new PipeGroup(65536, 0)] })
            .Concat(extra > 0 ? [new SubportConfig { Profile = 0, QueueSizes = v.Subports[0].QueueSizes, Pipes = [new PipeGroup(extra, 0)] }] : [])
            .ToArray();
        return new PortConfig { Rate = Port, SubportProfiles = v.SubportProfiles, PipeProfiles = v.PipeProfiles, Subports = subports };
    }

    [Test]
    public void The_clock_must_count_at_the_port_rate()
    {
        Assert.Throws<ArgumentException>(() => new PortScheduler(Valid(), new VirtualByteClock(Port / 2)).Dispose());
    }
}
