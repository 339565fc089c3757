using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Profiles;

namespace Qos.Perf.Profiles;

/// <summary>A profile as the commands read it: the port, and its classifier section when it has one.</summary>
internal static class ProfileInput
{
    /// <summary>Loads and compiles the profile at <paramref name="path"/>.</summary>
    /// <param name="path">The YAML profile.</param>
    /// <param name="needClassifier">What needs the classifier section (say <c>--pcap</c>), or null when it may be absent.</param>
    /// <exception cref="ProfileException">The profile is invalid, or lacks a classifier section that is needed.</exception>
    public static (PortConfig Config, ClassifierOptions? Classifier) Load(string path, string? needClassifier = null)
    {
        var options = ProfileLoader.LoadOptions(path);
        var config = options.ToPortConfig();
        if (needClassifier is not null && options.Classifier is null)
        {
            throw new ProfileException("classifier", null, $"is missing: {needClassifier} needs the profile's classifier section to map frames to paths", 0, 0);
        }

        return (config, options.Classifier);
    }
}
