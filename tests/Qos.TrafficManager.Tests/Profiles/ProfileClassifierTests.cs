using System;
using System.Linq;
using NUnit.Framework;
using Qos.TrafficManager.Profiles;
using Qos.TrafficManager.Tests.Classification;

namespace Qos.TrafficManager.Tests.Profiles;

/// <summary>A profile may carry its <c>classifier:</c> section; errors in it read as everywhere else in the profile.</summary>
[TestFixture]
public sealed class ProfileClassifierTests
{
    private const string Classifier = """

        classifier:
          pipe:    { field: ipv4.dst, mask: 0x00000fff }
          tc:      { field: dscp, map: { 46: 0, 34: 1 }, default: 12 }
          queue:   { field: flow_hash, mask: 3 }
          offload: { entries: 256, rebalance: true, interval: 1s }
        """;

    [Test]
    public void A_profile_without_the_section_has_no_classifier() =>
        Assert.That(ProfileLoader.ParseOptions(IssueExample.Yaml).Classifier, Is.Null);

    [Test]
    public void The_section_is_read_with_the_profile_and_compiles_against_its_port()
    {
        var options = ProfileLoader.ParseOptions(IssueExample.Yaml + Classifier);
        var config = options.ToPortConfig();
        var classifier = Qos.TrafficManager.Classification.Classifier.Create(options.Classifier!, config);

        Assert.That(options.Classifier!.Offload.Entries, Is.EqualTo(256));
        var path = classifier.Classify(new FrameBuilder { Destination4 = 0x0A000ABC, Dscp = 46 }.Build(), 0);
        Assert.That((path.Subport, path.Pipe, path.TrafficClass), Is.EqualTo((0, 0xABC, 0)));
    }

    [Test]
    public void A_mistake_in_the_section_names_its_path_value_and_line()
    {
        string yaml = IssueExample.Yaml + Classifier.Replace("mask: 3 }", "mask: 3, colour: red }", StringComparison.Ordinal);
        int line = yaml.Split('\n').ToList().FindIndex(l => l.Contains("colour: red", StringComparison.Ordinal)) + 1;

        var e = Assert.Throws<ProfileException>(() => ProfileLoader.ParseOptions(yaml))!;

        Assert.That(e.Path, Is.EqualTo("classifier.queue.colour"));
        Assert.That(e.Message, Does.Contain("unknown key 'colour'"));
        Assert.That(e.Line, Is.EqualTo(line));
    }

    [Test]
    public void A_path_outside_the_hierarchy_is_refused_when_compiled()
    {
        var options = ProfileLoader.ParseOptions(IssueExample.Yaml + Classifier.Replace("46: 0, 34: 1 }", "46: 0, 34: 13 }", StringComparison.Ordinal));
        var e = Assert.Throws<ProfileException>(() => Qos.TrafficManager.Classification.Classifier.Create(options.Classifier!, options.ToPortConfig()))!;
        Assert.That(e.Path, Does.StartWith("classifier.tc.map"));
        Assert.That(e.Line, Is.Positive);
    }

    [Test]
    public void The_shipped_10gbe_profile_classifies_like_its_comment_says()
    {
        var options = ProfileLoader.LoadOptions(Repository.Profile("10gbe.yaml"));
        var classifier = Qos.TrafficManager.Classification.Classifier.Create(options.Classifier!, options.ToPortConfig());

        var ef = classifier.Classify(new FrameBuilder { Destination4 = 0x0A001005, Dscp = 46 }.Build(), 0);
        var af12 = classifier.Classify(new FrameBuilder { Destination4 = 0x0A000FFF, Dscp = 12 }.Build(), 0);
        Assert.That((ef.Pipe, ef.TrafficClass, ef.Color), Is.EqualTo((5, 0, Qos.Shaping.Congestion.PacketColor.Green)));
        Assert.That((af12.Pipe, af12.TrafficClass, af12.Color), Is.EqualTo((4095, 12, Qos.Shaping.Congestion.PacketColor.Yellow)));
    }
}
