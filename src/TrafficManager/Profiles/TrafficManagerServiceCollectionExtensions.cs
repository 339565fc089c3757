using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Qos.TrafficManager.Configuration;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// Registers a port profile as <see cref="TrafficManagerOptions"/> (validated at start-up with <c>ValidateOnStart</c>)
/// and the <see cref="PortConfig"/> compiled from it as a singleton.
/// </summary>
public static class TrafficManagerServiceCollectionExtensions
{
    /// <summary>Registers the YAML profile file at <paramref name="profilePath"/>, read when the options are first needed.</summary>
    /// <returns>The options builder, to chain further configuration or validation.</returns>
    public static OptionsBuilder<TrafficManagerOptions> AddTrafficManager(this IServiceCollection services, string profilePath)
    {
        ArgumentNullException.ThrowIfNull(profilePath);
        return services.AddTrafficManager(options => ProfileLoader.ReadInto(options, () => ProfileLoader.ReadFile(profilePath)));
    }

    /// <summary>Registers the YAML profile text <paramref name="yaml"/>.</summary>
    /// <returns>The options builder, to chain further configuration or validation.</returns>
    public static OptionsBuilder<TrafficManagerOptions> AddTrafficManagerYaml(this IServiceCollection services, string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return services.AddTrafficManager(options => ProfileLoader.ReadInto(options, () => yaml));
    }

    /// <summary>Registers a profile built by <paramref name="configure"/> (or bound from any configuration source).</summary>
    /// <returns>The options builder, to chain further configuration or validation.</returns>
    public static OptionsBuilder<TrafficManagerOptions> AddTrafficManager(this IServiceCollection services, Action<TrafficManagerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrafficManagerOptions>, TrafficManagerOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<TrafficManagerOptions>>().Value.ToPortConfig());
        return services.AddOptions<TrafficManagerOptions>().Configure(configure).ValidateOnStart();
    }
}
