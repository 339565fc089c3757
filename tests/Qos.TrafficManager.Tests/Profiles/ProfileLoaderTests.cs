using System.Linq;
using NUnit.Framework;
using Qos.TrafficManager.Profiles;

namespace Qos.TrafficManager.Tests.Profiles;

[TestFixture]
public sealed class ProfileLoaderTests
{
    [Test]
    public void The_issue_example_loads_into_the_configuration_model()
    {
        var config = ProfileLoader.Parse(IssueExample.Yaml);

        Assert.That(config.Rate, Is.EqualTo(1_250_000_000), "10gbps is 1.25e9 bytes/s");
        Assert.That(config.Mtu, Is.EqualTo(1522));
        Assert.That(config.FrameOverhead, Is.EqualTo(24));
        var subport = config.SubportProfiles.Single();
        Assert.That(subport.Name, Is.EqualTo("default"));
        Assert.That(subport.BucketSize, Is.EqualTo(1_000_000), "1MB is 10^6 bytes");
        Assert.That(subport.ClassRates, Is.EqualTo(Enumerable.Repeat(1_250_000_000L, 13)), "one value applies to all 13 classes");
        Assert.That(subport.ClassPeriodMilliseconds, Is.EqualTo(10));
        var pipe = config.PipeProfiles.Single();
        Assert.That(pipe.Name, Is.EqualTo("silver"));
        Assert.That(pipe.Rate, Is.EqualTo(305_000), "2.44 Mbit/s is exactly 305000 bytes/s");
        Assert.That(pipe.ClassRates, Has.Count.EqualTo(13).And.All.EqualTo(305_000));
        Assert.That(pipe.ClassPeriodMilliseconds, Is.EqualTo(40));
        Assert.That(pipe.OversubscriptionWeight, Is.EqualTo(1));
        Assert.That(pipe.WrrWeights, Is.EqualTo(new[] { 1, 1, 1, 1 }));
        var sub = config.Subports.Single();
        Assert.That(sub.Profile, Is.Zero);
        Assert.That(sub.QueueSizes, Is.EqualTo(Enumerable.Repeat(64, 13)));
        Assert.That(sub.Oversubscription, Is.True);
        Assert.That(sub.Pipes.Single(), Is.EqualTo(new Qos.TrafficManager.Configuration.PipeGroup(4096, 0)));
        Assert.That(sub.Pie, Is.Null, "no PIE section, no PIE");
        Assert.That(sub.Red, Has.Count.EqualTo(13));
        Assert.That(sub.Red!.Take(12), Has.All.Null, "RED only where the profile asks for it");
        var red = sub.Red![12]!.Value;
        Assert.That((red.Green.MinThreshold, red.Green.MaxThreshold, red.Green.MaxProbabilityInverse), Is.EqualTo((48, 64, 10)));
        Assert.That((red.Yellow.MinThreshold, red.Red.MinThreshold), Is.EqualTo((40, 32)));
        Assert.That(red.WeightLog2, Is.EqualTo(9));
    }

    [Test]
    public void An_unknown_pipe_profile_is_named_with_its_path_and_position()
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(IssueExample.With("profile: silver }", "profile: gold }")))!;

        Assert.That(e.Message, Does.StartWith("subports[0].pipes[0].profile: unknown pipe profile 'gold'"));
        Assert.That(e.Message, Does.EndWith("(line 25, col 33)"));
        Assert.That((e.Path, e.Value, e.Line, e.Column), Is.EqualTo(("subports[0].pipes[0].profile", "gold", 25, 33)));
        Assert.That(e.Rule, Does.Contain("unknown pipe profile 'gold'"));
    }

    [Test]
    public void An_unknown_key_is_an_error_not_ignored()
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(IssueExample.With("  mtu: 1522", "  mtuu: 1522")))!;

        Assert.That(e.Message, Is.EqualTo("port.mtuu: unknown key 'mtuu' (allowed: rate, mtu, frame_overhead) (line 3, col 3)"));
    }

    [Test]
    public void A_scheduler_rule_is_reported_at_the_named_profile_in_the_yaml()
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(IssueExample.With("rate: 2.44mbps", "rate: 20gbps")))!;

        Assert.That(e.Path, Is.EqualTo("pipe_profiles.silver.rate"), "the validator's pipe_profiles[0] becomes the profile's name");
        Assert.That(e.Value, Is.EqualTo("2500000000"));
        Assert.That(e.Rule, Does.Contain("at most the port rate"));
        Assert.That((e.Line, e.Column), Is.EqualTo((13, 11)));
    }

    [Test]
    public void A_red_threshold_above_the_queue_size_points_at_the_threshold()
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(IssueExample.With("green: { min: 48, max: 64", "green: { min: 48, max: 128")))!;

        Assert.That(e.Path, Is.EqualTo("subports[0].congestion.red[12].green.max"));
        Assert.That((e.Line, e.Column), Is.EqualTo((28, 38)));
    }

    [Test]
    public void A_class_rate_error_in_a_list_points_at_the_list_item()
    {
        string yaml = IssueExample.With("2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps]", "2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps, 2.45mbps]");
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(yaml))!;

        Assert.That(e.Path, Is.EqualTo("pipe_profiles.silver.tc_rates[12]"));
        Assert.That(e.Line, Is.EqualTo(16));
        Assert.That(e.Rule, Does.Contain("pipe rate"));
    }

    [Test]
    public void A_class_too_slow_for_one_frame_per_period_points_at_its_rate_in_the_yaml()
    {
        // 100 kbit/s is 12500 B/s: 500 B per 40 ms period, less than one 1546 B frame.
        string yaml = IssueExample.With("2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps]", "2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps, 100kbps]");
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(yaml))!;

        Assert.That(e.Path, Is.EqualTo("pipe_profiles.silver.tc_rates[12]"), "the class rate that cannot carry a frame is named");
        Assert.That(e.Line, Is.EqualTo(16));
        Assert.That(e.Rule, Does.Contain("500 B per 40 ms").And.Contain("38650 B/s"), "the rule gives the credit and the rate needed");
    }

    [TestCase("  mtu: 1522", "  mtu: big", "port.mtu", "'big' is not a whole number", 3)]
    [TestCase("rate: 10gbps            #", "rate: 10gbs            #", "port.rate", "unknown rate unit 'gbs'", 2)]
    [TestCase("bucket: 1MB           #", "bucket: 1.5B           #", "subport_profiles.default.bucket", "not a whole number of bytes", 8)]
    [TestCase("tc_period: 40ms", "tc_period: 40", "pipe_profiles.silver.tc_period", "needs a unit", 17)]
    [TestCase("tc_period: 40ms", "tc_period: 500us", "pipe_profiles.silver.tc_period", "whole number of milliseconds", 17)]
    [TestCase("queue_sizes: 64 ", "queue_sizes: [64, 64]", "subports[0].queue_sizes", "list of 13 (got 2)", 22)]
    [TestCase("wrr_weights: [1, 1, 1, 1]", "wrr_weights: [1, 1, 1]", "pipe_profiles.silver.wrr_weights", "list of 4 (got 3)", 19)]
    [TestCase("  - profile: default", "  - profile: business", "subports[0].profile", "unknown subport profile 'business'", 21)]
    [TestCase("oversubscription: true", "oversubscription: maybe", "subports[0].oversubscription", "must be true or false", 23)]
    [TestCase("oversubscription: true", "oversubscription: [true]", "subports[0].oversubscription", "single value", 23)]
    [TestCase("      red:\n", "      red:\n        13: { green: { min: 1, max: 2 }, yellow: { min: 1, max: 2 }, red: { min: 1, max: 2 } }\n", "subports[0].congestion.red.13", "not a traffic class", 28)]
    [TestCase("weight_log2: 9", "weight_log2: 13", "subports[0].congestion.red[12].weight_log2", "between 1 and 12", 29)]
    [TestCase("yellow: { min: 40", "yellow: { min: 70", "subports[0].congestion.red[12].yellow.min", "must be below max (64)", 28)]
    [TestCase("queue_sizes: 64 ", "queue_sizes: 48 ", "subports[0].queue_sizes[0]", "power of two", 22)]
    [TestCase("count: 4096", "count: 0", "subports[0].pipes[0].count", "at least 1", 25)]
    public void Each_mistake_names_its_path_rule_and_line(string oldText, string newText, string path, string rule, int line)
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(IssueExample.With(oldText, newText)))!;

        Assert.That(e.Path, Is.EqualTo(path), e.Message);
        Assert.That(e.Message, Does.Contain(rule));
        Assert.That(e.Line, Is.EqualTo(line), e.Message);
        Assert.That(e.Message, Does.EndWith($"(line {line}, col {e.Column})"));
    }

    [Test]
    public void A_missing_required_key_points_at_the_mapping_that_lacks_it()
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(IssueExample.With("    bucket: 1MB           # bytes: B kB MB (1000s) or KiB MiB (1024s)\n", "")))!;

        Assert.That(e.Path, Is.EqualTo("subport_profiles.default.bucket"));
        Assert.That(e.Rule, Does.StartWith("is required"));
        Assert.That(e.Line, Is.EqualTo(7), "the position of subport_profiles.default, the nearest node that exists");
    }

    [Test]
    public void Yaml_syntax_errors_and_duplicate_keys_carry_their_position()
    {
        var syntax = Assert.Throws<ProfileException>(() => ProfileLoader.Parse("port:\n  rate: [1\n"))!;
        Assert.That(syntax.Message, Does.StartWith("profile: is not valid YAML"));
        Assert.That(syntax.Line, Is.Positive);

        var duplicate = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(IssueExample.With("  mtu: 1522\n", "  mtu: 1522\n  mtu: 9000\n")))!;
        Assert.That(duplicate.Message, Does.Contain("Duplicate key"));
        Assert.That(duplicate.Line, Is.EqualTo(4));
    }

    [TestCase("")]
    [TestCase("# only a comment\n")]
    [TestCase("42")]
    [TestCase("port: 1\n---\nport: 2\n")]
    [TestCase("[1, 2]")]
    public void Documents_that_are_not_a_profile_are_refused(string yaml)
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(yaml))!;
        Assert.That(e.Message, Does.Not.Contain("internal error"));
    }

    [Test]
    public void An_unreadable_file_is_a_profile_error()
    {
        var e = Assert.Throws<ProfileException>(() => ProfileLoader.Load("/nonexistent/profile.yaml"))!;
        Assert.That(e.Message, Does.StartWith("profile: cannot be read"));
    }

    [Test]
    public void Aliases_share_one_definition()
    {
        string yaml = IssueExample.With("        12: { green:", "        11: &wred { green:") + "        12: *wred\n";
        var config = ProfileLoader.Parse(yaml);

        Assert.That(config.Subports[0].Red![11], Is.Not.Null);
        Assert.That(config.Subports[0].Red![12]!.Value.Red.MinThreshold, Is.EqualTo(32));
    }

    [Test]
    public void Pie_classes_load_with_times_in_milliseconds()
    {
        string yaml = IssueExample.With(
            "      red:\n",
            "      pie:\n        11: { tail_drop: 32, qdelay_ref: 5ms, update_interval: 0.015s, max_burst: 0ms }\n      red:\n");
        var pie = ProfileLoader.Parse(yaml).Subports[0].Pie![11]!.Value;

        Assert.That(pie.TailDropThreshold, Is.EqualTo(32));
        Assert.That(pie.QueueDelayReference, Is.EqualTo(Qos.Shaping.Clock.LineTime.FromMilliseconds(5, 1_250_000_000)));
        Assert.That(pie.UpdateInterval, Is.EqualTo(Qos.Shaping.Clock.LineTime.FromMilliseconds(15, 1_250_000_000)));
        Assert.That(pie.MaxBurst, Is.Zero);
    }
}
