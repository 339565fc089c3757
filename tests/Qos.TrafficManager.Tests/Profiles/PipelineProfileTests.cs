using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Pipeline;
using Qos.TrafficManager.Profiles;
using Qos.TrafficManager.Tests.Classification;

namespace Qos.TrafficManager.Tests.Profiles;

/// <summary>
/// Pipeline profiles: one YAML for a pipeline's settings and its egress ports, each port a port profile with its
/// classifier, inline or in a file of its own; errors in the pipeline's terms, with the file and line they are in.
/// </summary>
[TestFixture]
public sealed class PipelineProfileTests
{
    /// <summary>A single-port profile with a classifier, as <c>profiles/10gbe.yaml</c>: the file port 0 refers to.</summary>
    private const string PortFile = """
        port: { rate: 10gbps, mtu: 1522, frame_overhead: 24 }
        subport_profiles:
          default: { rate: 10gbps, bucket: 1000000, tc_rates: 10gbps, tc_period: 10ms }
        pipe_profiles:
          default: { rate: 305175, bucket: 1000000, tc_rates: 305175, tc_period: 40ms }
        subports:
          - { profile: default, queue_sizes: 64, oversubscription: true, pipes: [ { count: 4096, profile: default } ] }
        classifier:
          pipe: { field: ipv4.dst, mask: 0xfff }
          tc:   { field: dscp, map: { 46: 0, 34: 1 }, default: 12 }

        """;

    /// <summary>Port 0 by reference to <see cref="PortFile"/>, port 1 inline.</summary>
    private const string TwoPorts = """
        pipeline:
          workers: 2
          burst: 16
          pool_frames: 8192
          frame_size: 2048
          rx_backpressure: wait
          max_inflight: 2048
        ports:
          - name: uplink
            profile: 10gbe.yaml
          - name: access
            port: { rate: 1gbps, mtu: 1522, frame_overhead: 24 }
            subport_profiles:
              default: { rate: 1gbps, bucket: 100kB, tc_rates: 1gbps, tc_period: 10ms }
            pipe_profiles:
              default: { rate: 100mbps, bucket: 10kB, tc_rates: 100mbps, tc_period: 40ms }
            subports:
              - { profile: default, queue_sizes: 64, pipes: [ { count: 8, profile: default } ] }
            classifier:
              pipe: { field: ipv4.dst, mask: 0x7 }
              tc:   { field: dscp, map: { 46: 0 }, default: 12 }

        """;

    private const string OnePort = "ports:\n  - profile: 10gbe.yaml\n";

    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"qos-pipeline-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "10gbe.yaml"), PortFile);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void A_two_port_profile_loads_a_port_by_reference_and_a_port_inline_with_their_rates_and_classifiers()
    {
        string path = Path.Combine(_folder, "pipeline.yaml");
        File.WriteAllText(path, TwoPorts);

        var profile = PipelineProfileLoader.Load(path);

        Assert.That(profile.Ports.Select(p => p.Name), Is.EqualTo(new[] { "uplink", "access" }), "ports keep their names, in list order");
        Assert.That(profile.Ports.Select(p => p.Index), Is.EqualTo(new[] { 0, 1 }), "a port's index is its place in the list");
        Assert.That(profile.Ports[0].ProfileFile, Is.EqualTo(Path.Combine(_folder, "10gbe.yaml")), "the reference is found beside the pipeline file");
        Assert.That(profile.Ports[1].ProfileFile, Is.Null, "an inline port has no file");
        Assert.That(profile.Ports.Select(p => p.Config.Rate), Is.EqualTo(new[] { 1_250_000_000L, 125_000_000L }), "10gbps and 1gbps in bytes/s");
        Assert.That(profile.Ports.Select(p => p.Config.Subports.Single().PipeCount), Is.EqualTo(new[] { 4096, 8 }), "each port has its own hierarchy");
        Assert.That((profile.Workers, profile.Burst, profile.PoolFrames, profile.FrameSize, profile.RxBackpressure, profile.MaxInflight),
            Is.EqualTo(((int?)2, (int?)16, (int?)8192, (int?)2048, (RxBackpressure?)RxBackpressure.Wait, (int?)2048)), "the pipeline settings as written");

        byte[] frame = new FrameBuilder { Destination4 = 0x0A000ABC, Dscp = 46 }.Build();
        var uplink = profile.Ports[0].Classifier.Classify(frame, 0);
        var access = profile.Ports[1].Classifier.Classify(frame, 0);
        Assert.That((uplink.Pipe, uplink.TrafficClass), Is.EqualTo((0xABC, 0)), "port 0 classifies with the referenced file's classifier: 12 bits of pipe");
        Assert.That((access.Pipe, access.TrafficClass), Is.EqualTo((0xABC & 7, 0)), "port 1 with its inline classifier: 3 bits of pipe");
    }

    [Test]
    public void A_port_profile_file_is_found_relative_to_the_base_directory_given_to_parse()
    {
        var profile = PipelineProfileLoader.Parse(TwoPorts, _folder);

        Assert.That(profile.Ports[0].Config.Rate, Is.EqualTo(1_250_000_000L), "Parse resolves references against its base directory as Load does against the file's folder");
    }

    [Test]
    public void The_shipped_pipeline_profile_loads_two_ports_and_runs_a_pipeline_that_accounts_for_every_frame()
    {
        var profile = PipelineProfileLoader.Load(Repository.Profile("pipeline-2x10gbe.yaml"));
        Assert.That(profile.Ports.Select(p => (p.Name, p.Config.Rate)), Is.EqualTo(new[] { ("uplink", 1_250_000_000L), ("access", 125_000_000L) }),
            "port 0 is 10gbe.yaml's 10GbE port, port 1 the 1 Gbit/s access port");
        Assert.That(profile.Ports[0].Config.Subports.Single().PipeCount, Is.EqualTo(4096), "10gbe.yaml's hierarchy, by reference");
        Assert.That(profile.Ports[1].Config.Subports.Single().PipeCount, Is.EqualTo(16), "4 gold and 12 silver pipes");

        var source = new SyntheticFrameSource(new SyntheticFlows(64, 16, 0, [64, 594], 5), 0, count: 20_000);
        var tx = new[] { new NullTxQueue(), new NullTxQueue() };
        var options = profile.ToOptions(source, (p, _) => tx[p]) with { PoolFrames = 4096 };
        using var pipeline = PacketPipeline.Create(options);
        pipeline.Start();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!source.Completed && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(5);
        }

        PipelineStats stats = pipeline.Stop();

        Assert.That(stats.Offered, Is.EqualTo(20_000), "the source offered every frame");
        Assert.That(stats.Offered, Is.EqualTo(stats.Sent + stats.Drops.Total + stats.Flushed), Pipeline.PipelineSetup.Accounting(stats));
        Assert.That(stats.Ports.Select(p => p.SentPackets), Has.All.Positive, "both ports of the profile sent frames");
    }

    [Test]
    public void The_readme_example_loads_with_its_reference_to_10gbe_yaml()
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        int start = readme.IndexOf("```yaml\npipeline:", StringComparison.Ordinal) + "```yaml\n".Length;
        Assert.That(start, Is.GreaterThan("```yaml\n".Length), "README has a pipeline profile example");
        string example = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];

        var profile = PipelineProfileLoader.Parse(example, Repository.ProfilesDirectory);

        Assert.That(profile.Ports.Select(p => (p.Name, p.Config.Rate)), Is.EqualTo(new[] { ("uplink", 1_250_000_000L), ("access", 125_000_000L) }));
        Assert.That(profile.Workers, Is.EqualTo(2));
    }

    [Test]
    public void To_options_gives_each_port_its_tx_queue_and_clock_and_a_classifier_of_its_own()
    {
        var profile = PipelineProfileLoader.Parse(TwoPorts, _folder);
        var asked = new List<(int Port, long Rate)>();
        var tx = new[] { new NullTxQueue(), new NullTxQueue() };
        var source = new SyntheticFrameSource(new SyntheticFlows(4, 8, 0, [64], 1), 0, count: 1);

        var options = profile.ToOptions(source, (p, config) =>
        {
            asked.Add((p, config.Rate));
            return tx[p];
        }, (p, config) => p == 1 ? new VirtualByteClock(config.Rate) : null);
        var again = profile.ToOptions(source, (p, _) => tx[p]);

        Assert.That(asked, Is.EqualTo(new[] { (0, 1_250_000_000L), (1, 125_000_000L) }), "the TX factory is asked once per port, in order, with its hierarchy");
        Assert.That(options.Ports.Select(p => p.Tx), Is.EqualTo(tx), "each port sends to the queue the factory gave");
        Assert.That(options.Ports[0].Clock, Is.Null, "a null clock is real time");
        Assert.That(options.Ports[1].Clock!.PortRate, Is.EqualTo(125_000_000L), "the clock factory's clock, at the port's rate");
        Assert.That(options.Ports.Select(p => p.Config), Is.EqualTo(profile.Ports.Select(p => p.Config)), "the ports' hierarchies are the profile's");
        Assert.That(options.Ports[0].Classifier, Is.Not.SameAs(profile.Ports[0].Classifier).And.Not.SameAs(again.Ports[0].Classifier),
            "a classifier is one thread's: every pipeline gets its own");
        Assert.That(options.Source, Is.SameAs(source));
        Assert.That((options.Workers, options.Burst, options.PoolFrames, options.FrameSize, options.RxBackpressure, options.Device.MaxInflight),
            Is.EqualTo((2, 16, 8192, 2048, RxBackpressure.Wait, 2048)), "the profile's settings");
        Assert.DoesNotThrow(options.Validate, "the options are ones a pipeline takes");
    }

    [Test]
    public void Settings_the_profile_leaves_out_keep_the_pipeline_defaults()
    {
        string yaml = TwoPorts[TwoPorts.IndexOf("ports:", StringComparison.Ordinal)..];
        var profile = PipelineProfileLoader.Parse(yaml, _folder);
        var source = new SyntheticFrameSource(new SyntheticFlows(4, 8, 0, [64], 1), 0, count: 1);

        var options = profile.ToOptions(source, (_, _) => new NullTxQueue());
        var defaults = new PipelineOptions { Ports = options.Ports, Source = source };

        Assert.That((profile.Workers, profile.Burst, profile.PoolFrames, profile.FrameSize, profile.RxBackpressure, profile.MaxInflight),
            Is.EqualTo(((int?)null, (int?)null, (int?)null, (int?)null, (RxBackpressure?)null, (int?)null)), "what is not written is null");
        Assert.That((options.Workers, options.Burst, options.PoolFrames, options.FrameSize, options.RxBackpressure, options.Device.MaxInflight),
            Is.EqualTo((defaults.Workers, defaults.Burst, defaults.PoolFrames, defaults.FrameSize, defaults.RxBackpressure, defaults.Device.MaxInflight)),
            "and takes PipelineOptions' defaults");
    }

    [Test]
    public void The_settings_at_their_limits_give_options_a_pipeline_takes()
    {
        string yaml = TwoPorts.Replace("workers: 2", "workers: 61").Replace("burst: 16", "burst: 256").Replace("frame_size: 2048", "frame_size: 65536")
            .Replace("max_inflight: 2048", "max_inflight: 1048576");
        var profile = PipelineProfileLoader.Parse(yaml, _folder);

        var options = profile.ToOptions(new SyntheticFrameSource(new SyntheticFlows(4, 8, 0, [64], 1), 0), (_, _) => new NullTxQueue());

        Assert.DoesNotThrow(options.Validate, "61 workers, RX and 2 egress ports are the event device's 64 ports");
    }

    [Test]
    public void An_error_in_an_inline_port_is_named_under_its_port_with_the_line_in_the_pipeline_file()
    {
        string yaml = TwoPorts.Replace("default: { rate: 100mbps", "default: { rate: 2gbps");

        var e = Refused(yaml);

        Assert.That(e.Path, Is.EqualTo("ports[1].pipe_profiles.default.rate"), "the port profile's path under its port");
        Assert.That(e.Rule, Does.Contain("at most the port rate"));
        Assert.That((e.Line, e.Column), Is.EqualTo(Position(yaml, "2gbps")), "the line and column in the pipeline file");
        Assert.That(e.File, Is.Null, "the line is in the file loaded");
        Assert.That(e.Message, Does.StartWith("ports[1].pipe_profiles.default.rate: ").And.EndWith($"(line {e.Line}, col {e.Column})"));
    }

    [Test]
    public void An_error_in_a_referenced_port_profile_names_that_file_and_its_own_line()
    {
        string file = PortFile.Replace("default: { rate: 305175", "default: { rate: 20gbps");
        File.WriteAllText(Path.Combine(_folder, "10gbe.yaml"), file);

        var e = Refused(TwoPorts);

        Assert.That(e.Path, Is.EqualTo("ports[0].pipe_profiles.default.rate"), "the path is under the port that refers to the file");
        Assert.That(e.File, Is.EqualTo(Path.Combine(_folder, "10gbe.yaml")), "the error names the file the line is in");
        Assert.That((e.Line, e.Column), Is.EqualTo(Position(file, "20gbps")), "and the line is that file's own");
        Assert.That(e.Message, Does.EndWith($"({e.File}, line {e.Line}, col {e.Column})"), "the message says which file the line is in");
    }

    [Test]
    public void Malformed_yaml_in_a_referenced_port_profile_names_that_file_and_its_line()
    {
        File.WriteAllText(Path.Combine(_folder, "10gbe.yaml"), "port:\n  rate: [10gbps\n");

        var e = Refused(TwoPorts);

        Assert.That(e.Path, Is.EqualTo("ports[0].profile"), "an error about the whole file is the reference's");
        Assert.That(e.Rule, Does.StartWith("is not valid YAML"));
        Assert.That(e.File, Is.EqualTo(Path.Combine(_folder, "10gbe.yaml")));
        Assert.That(e.Line, Is.InRange(2, 3), "the line is in the referenced file");
    }

    [Test]
    public void A_missing_port_profile_file_is_refused_at_the_reference()
    {
        string yaml = TwoPorts.Replace("profile: 10gbe.yaml", "profile: 25gbe.yaml");

        var e = Refused(yaml);

        Assert.That((e.Path, e.Value), Is.EqualTo(("ports[0].profile", "25gbe.yaml")), "the reference and what it names");
        Assert.That(e.Rule, Does.StartWith("cannot be read").And.Contain(Path.Combine(_folder, "25gbe.yaml")), "the rule says why, with the path tried");
        Assert.That((e.Line, e.Column, e.File), Is.EqualTo((Position(yaml, "25gbe.yaml").Line, Position(yaml, "25gbe.yaml").Column, (string?)null)),
            "at the reference in the pipeline file");
    }

    [Test]
    public void A_referenced_file_must_be_a_port_profile_not_a_pipeline_profile()
    {
        File.WriteAllText(Path.Combine(_folder, "10gbe.yaml"), TwoPorts);

        var e = Refused(TwoPorts);

        Assert.That(e.Path, Is.EqualTo("ports[0].pipeline"), "a pipeline key in a port profile is an unknown key");
        Assert.That(e.Rule, Does.StartWith("unknown key 'pipeline'"));
        Assert.That((e.File, e.Line), Is.EqualTo((Path.Combine(_folder, "10gbe.yaml"), 1)));
    }

    [Test]
    public void An_inline_port_without_a_classifier_is_refused_naming_its_classifier()
    {
        string yaml = TwoPorts[..TwoPorts.IndexOf("    classifier:", StringComparison.Ordinal)];

        var e = Refused(yaml);

        Assert.That(e.Path, Is.EqualTo("ports[1].classifier"));
        Assert.That(e.Rule, Does.StartWith("is required"));
        Assert.That((e.Line, e.Column), Is.EqualTo(Position(yaml, "name: access")), "at the port's mapping");
    }

    [Test]
    public void A_port_by_reference_without_a_classifier_is_refused_naming_its_classifier_and_the_file()
    {
        File.WriteAllText(Path.Combine(_folder, "10gbe.yaml"), PortFile[..PortFile.IndexOf("classifier:", StringComparison.Ordinal)]);

        var e = Refused(TwoPorts);

        Assert.That(e.Path, Is.EqualTo("ports[0].classifier"));
        Assert.That(e.Rule, Does.StartWith("is required").And.Contain("10gbe.yaml"), "the rule names the file that has none");
        Assert.That((e.Line, e.Column), Is.EqualTo(Position(TwoPorts, "name: uplink")), "at the port's mapping");
    }

    [Test]
    public void A_port_by_reference_may_bring_its_classifier_but_not_a_second_one()
    {
        string classifier = "    classifier: { pipe: { field: ipv4.dst, mask: 0xf } }\n";
        string yaml = TwoPorts.Replace("    profile: 10gbe.yaml\n", "    profile: 10gbe.yaml\n" + classifier);

        var twice = Refused(yaml);
        File.WriteAllText(Path.Combine(_folder, "10gbe.yaml"), PortFile[..PortFile.IndexOf("classifier:", StringComparison.Ordinal)]);
        var profile = PipelineProfileLoader.Parse(yaml, _folder);

        Assert.That(twice.Path, Is.EqualTo("ports[0].classifier"), "a file with a classifier and one beside the reference are two");
        Assert.That((twice.Line, twice.Column), Is.EqualTo(Position(yaml, "classifier: { pipe")));
        var path = profile.Ports[0].Classifier.Classify(new FrameBuilder { Destination4 = 0x0A000ABC }.Build(), 0);
        Assert.That(path.Pipe, Is.EqualTo(0xC), "a file without one takes the classifier beside the reference");
    }

    [Test]
    public void A_classifier_error_is_named_under_its_port_with_its_line()
    {
        string yaml = TwoPorts.Replace("tc:   { field: dscp, map: { 46: 0 }", "tc:   { field: dscp, map: { 46: 13 }");

        var e = Refused(yaml);

        Assert.That(e.Path, Does.StartWith("ports[1].classifier."), "the classifier's path under its port");
        Assert.That(e.Line, Is.EqualTo(Position(yaml, "map: { 46: 13 }").Line), $"on the classifier's line in the pipeline file: {e.Message}");
    }

    [Test]
    public void Duplicate_port_names_are_refused_at_the_second()
    {
        string yaml = TwoPorts.Replace("name: access", "name: uplink");

        var e = Refused(yaml);

        Assert.That((e.Path, e.Value), Is.EqualTo(("ports[1].name", "uplink")));
        Assert.That(e.Rule, Does.Contain("ports[0]"), "the rule names the port that has the name already");
        Assert.That(e.Line, Is.EqualTo(Position(yaml, "  - name: uplink\n    port:").Line));
    }

    [TestCase("pipeline:\n  workers: 2\n", "ports", "is required")]
    [TestCase("ports: []\n", "ports", "must list at least one port")]
    [TestCase("ports: [ 1 ]\n", "ports[0]", "must be a port")]
    [TestCase("ports:\n  - { name: a, prot: x }\n", "ports[0].prot", "unknown key 'prot'")]
    [TestCase("ports:\n  - { profile: 10gbe.yaml, port: { rate: 1gbps } }\n", "ports[0].port", "unknown key 'port' (allowed: name, profile, classifier)")]
    [TestCase("ports:\n  - { profile: [ 10gbe.yaml ] }\n", "ports[0].profile", "must be a single value")]
    [TestCase("port: { rate: 1gbps }\n" + OnePort, "port", "unknown key 'port' (allowed: pipeline, ports)")]
    [TestCase("pipeline:\n  wrokers: 2\n" + OnePort, "pipeline.wrokers", "unknown key 'wrokers'")]
    [TestCase("pipeline: [ 2 ]\n" + OnePort, "pipeline", "must be the pipeline's settings")]
    [TestCase("pipeline:\n  workers: two\n" + OnePort, "pipeline.workers", "'two' is not a whole number")]
    [TestCase("pipeline:\n  rx_backpressure: block\n" + OnePort, "pipeline.rx_backpressure", "'block' must be drop or wait")]
    [TestCase("[ 1 ]\n", "pipeline", "must be a pipeline profile")]
    public void A_misshapen_pipeline_profile_is_refused_with_the_path(string yaml, string path, string rule)
    {
        var e = Refused(yaml);

        Assert.That(e.Path, Is.EqualTo(path), e.Message);
        Assert.That(e.Rule, Does.Contain(rule), e.Message);
        Assert.That(e.Line, Is.Positive, $"every refusal has a line: {e.Message}");
    }

    [Test]
    public void Sixteen_ports_are_refused_at_the_sixteenth_before_any_is_read()
    {
        string yaml = "ports:\n" + string.Concat(Enumerable.Repeat("  - profile: missing.yaml\n", 16));

        var e = Refused(yaml);

        Assert.That((e.Path, e.Line), Is.EqualTo(("ports[15]", 17)), "the sixteenth port, not the first unreadable reference");
        Assert.That(e.Rule, Does.Contain("at most 15 ports"));
    }

    [TestCase("workers: 2", "workers: 62", "pipeline.workers", "from 0 to 61")]
    [TestCase("workers: 2", "workers: -1", "pipeline.workers", "from 0 to 61")]
    [TestCase("burst: 16", "burst: 0", "pipeline.burst", "from 1 to 256")]
    [TestCase("burst: 16", "burst: 257", "pipeline.burst", "from 1 to 256")]
    [TestCase("pool_frames: 8192", "pool_frames: 0", "pipeline.pool_frames", "from 1 to 16777216")]
    [TestCase("max_inflight: 2048", "max_inflight: 32", "pipeline.max_inflight", "from 64 to 1048576")]
    [TestCase("frame_size: 2048", "frame_size: 2000", "pipeline.frame_size", "a multiple of 64")]
    [TestCase("frame_size: 2048", "frame_size: 1024", "pipeline.frame_size", "must hold every port's MTU: ports[0] has 1522 bytes")]
    public void A_setting_out_of_its_range_is_refused_at_its_line(string from, string to, string path, string rule)
    {
        string yaml = TwoPorts.Replace(from, to);

        var e = Refused(yaml);

        Assert.That(e.Path, Is.EqualTo(path), e.Message);
        Assert.That(e.Rule, Does.Contain(rule), e.Message);
        var (line, column) = Position(yaml, to);
        Assert.That((e.Line, e.Column), Is.EqualTo((line, column + to.IndexOf(' ') + 1)), "at the setting's value");
    }

    [Test]
    public void A_port_mtu_above_the_default_frame_size_is_refused_at_the_mtu()
    {
        string yaml = TwoPorts.Replace("  frame_size: 2048\n", "").Replace("port: { rate: 1gbps, mtu: 1522", "port: { rate: 1gbps, mtu: 9000");

        var e = Refused(yaml);

        Assert.That((e.Path, e.Value), Is.EqualTo(("ports[1].port.mtu", "9000")));
        Assert.That(e.Rule, Does.Contain("default frame_size (2048 bytes)"), "the rule says which frame size and how to change it");
        Assert.That((e.Line, e.Column), Is.EqualTo(Position(yaml, "9000")));
    }

    private ProfileException Refused(string yaml)
    {
        var e = Assert.Throws<ProfileException>(() => PipelineProfileLoader.Parse(yaml, _folder))!;
        HostileYamlTests.AssertClean(e.Message, "PipelineProfileLoader.Parse");
        return e;
    }

    /// <summary>The 1-based line and column of the first <paramref name="text"/> in <paramref name="yaml"/>.</summary>
    private static (int Line, int Column) Position(string yaml, string text)
    {
        int at = yaml.IndexOf(text, StringComparison.Ordinal);
        Assert.That(at, Is.Not.Negative, $"the test's own text '{text}' is in the YAML");
        return (1 + yaml.AsSpan(0, at).Count('\n'), at - yaml.LastIndexOf('\n', Math.Max(at - 1, 0)));
    }
}
