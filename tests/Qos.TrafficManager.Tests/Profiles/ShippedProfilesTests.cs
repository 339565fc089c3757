using System.IO;
using System.Linq;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Profiles;

namespace Qos.TrafficManager.Tests.Profiles;

[TestFixture]
public sealed class ShippedProfilesTests
{
    private static string[] ShippedFiles() =>
        Directory.GetFiles(Repository.ProfilesDirectory, "*.yaml").Select(Path.GetFileName).OrderBy(n => n, System.StringComparer.Ordinal).ToArray()!;

    /// <summary>The single-port profiles: every shipped file but the pipeline profiles (<c>pipeline-*.yaml</c>).</summary>
    internal static string[] PortProfiles() => ShippedFiles().Where(n => !IsPipeline(n)).ToArray();

    internal static string[] PipelineProfiles() => ShippedFiles().Where(IsPipeline).ToArray();

    private static bool IsPipeline(string file) => file.StartsWith("pipeline-", System.StringComparison.Ordinal);

    [Test]
    public void The_profiles_directory_holds_the_promised_profiles() =>
        Assert.That(ShippedFiles(), Is.SupersetOf(new[] { "10gbe.yaml", "25gbe.yaml", "example.yaml", "oversubscribed.yaml", "pie.yaml", "red.yaml", "pipeline-2x10gbe.yaml" }));

    [TestCaseSource(nameof(PortProfiles))]
    public void Every_shipped_profile_loads_and_builds_a_scheduler(string file)
    {
        var config = ProfileLoader.Load(Repository.Profile(file));
        using var scheduler = new PortScheduler(config, new VirtualByteClock(config.Rate));
        Assert.That(scheduler.PipeCount, Is.Positive);
    }

    [TestCaseSource(nameof(PipelineProfiles))]
    public void Every_shipped_pipeline_profile_loads_and_each_of_its_ports_builds_a_scheduler(string file)
    {
        var profile = PipelineProfileLoader.Load(Repository.Profile(file));

        Assert.That(profile.Ports, Is.Not.Empty, "a pipeline has ports");
        foreach (var port in profile.Ports)
        {
            using var scheduler = new PortScheduler(port.Config, new VirtualByteClock(port.Config.Rate));
            Assert.That(scheduler.PipeCount, Is.Positive, $"ports[{port.Index}] ({port.Name}) has pipes");
        }
    }

    [Test]
    public void The_10gbe_profile_is_dpdk_qos_sched_default()
    {
        var config = ProfileLoader.Load(Repository.Profile("10gbe.yaml"));

        Assert.That(config.Rate, Is.EqualTo(1_250_000_000));
        Assert.That(config.FrameOverhead, Is.EqualTo(24));
        var subport = config.SubportProfiles.Single();
        Assert.That((subport.Rate, subport.BucketSize, subport.ClassPeriodMilliseconds), Is.EqualTo((1_250_000_000L, 1_000_000L, 10L)));
        Assert.That(subport.ClassRates, Has.All.EqualTo(1_250_000_000L));
        var pipe = config.PipeProfiles.Single();
        Assert.That(pipe.Rate, Is.EqualTo(1_250_000_000 / 4096), "pipe rate = port rate / 4096, rounded down as in DPDK (305175)");
        Assert.That((pipe.BucketSize, pipe.ClassPeriodMilliseconds), Is.EqualTo((1_000_000L, 40L)));
        Assert.That(pipe.ClassRates, Has.All.EqualTo(305_175L));
        Assert.That(pipe.WrrWeights, Is.EqualTo(new[] { 1, 1, 1, 1 }));
        var sub = config.Subports.Single();
        Assert.That(sub.Pipes.Sum(g => g.Count), Is.EqualTo(4096));
        Assert.That(sub.QueueSizes, Has.All.EqualTo(64));
    }
}
