using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Profiles;

namespace Qos.TrafficManager.Tests.Profiles;

[TestFixture]
public sealed class TrafficManagerOptionsTests
{
    [Test]
    public void A_profile_file_registered_with_AddTrafficManager_yields_options_and_a_port_config()
    {
        var services = new ServiceCollection();
        services.AddTrafficManager(Repository.Profile("example.yaml"));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<TrafficManagerOptions>>().Value;
        var config = provider.GetRequiredService<PortConfig>();

        Assert.That(options.Port.Rate, Is.EqualTo("1gbps"), "options keep the profile's own text");
        Assert.That(options.PipeProfiles.Keys, Is.EqualTo(new[] { "premium", "basic" }));
        Assert.That(config.Rate, Is.EqualTo(125_000_000));
        Assert.That(config.Subports[0].Pipes.Sum(g => g.Count), Is.EqualTo(20));
    }

    [Test]
    public void An_invalid_profile_fails_validation_on_start_with_its_line()
    {
        var services = new ServiceCollection();
        services.AddTrafficManagerYaml(IssueExample.With("profile: silver }", "profile: gold }"));
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate())!;
        Assert.That(e.Failures.Single(), Does.StartWith("subports[0].pipes[0].profile: unknown pipe profile 'gold'").And.EndWith("(line 25, col 33)"));
    }

    [Test]
    public void Unreadable_yaml_fails_validation_on_start_rather_than_crashing_the_container()
    {
        var services = new ServiceCollection();
        services.AddTrafficManagerYaml("port: [");
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate())!;
        Assert.That(e.Message, Does.Contain("is not valid YAML"));
    }

    [Test]
    public void Options_built_in_code_are_validated_with_the_same_rules_and_paths()
    {
        var services = new ServiceCollection();
        services.AddTrafficManager(o =>
        {
            o.Port.Rate = "1gbps";
            o.SubportProfiles["main"] = new SubportProfileOptions { Rate = "1gbps", Bucket = "1MB", TcRates = { "1gbps" } };
            o.PipeProfiles["small"] = new PipeProfileOptions { Rate = "2gbps", Bucket = "1MB", TcRates = { "1mbps" } };
            o.Subports.Add(new SubportOptions { Profile = "main", QueueSizes = { 64 }, Pipes = { new PipeGroupOptions { Count = 8, Profile = "small" } } });
        });
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate())!;
        Assert.That(e.Failures.Single(), Does.StartWith("pipe_profiles.small.rate: must be positive and at most the port rate"),
            "no file, so no line: the path alone");
    }

    [Test]
    public void Options_round_trip_through_ToPortConfig()
    {
        var options = ProfileLoader.ParseOptions(IssueExample.Yaml);
        options.PipeProfiles["silver"].BeWeight = 3;

        var config = options.ToPortConfig();

        Assert.That(config.PipeProfiles[0].OversubscriptionWeight, Is.EqualTo(3), "options can be edited before compiling");
        Assert.That(() => new TrafficManagerOptions().ToPortConfig(), Throws.TypeOf<ProfileException>().With.Message.StartWith("port.rate: is required"));
    }
}
