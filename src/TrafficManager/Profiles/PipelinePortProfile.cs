using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;

namespace Qos.TrafficManager.Profiles;

/// <summary>One egress port of a <see cref="PipelineProfile"/>: its name, its hierarchy and its classifier, checked.</summary>
public sealed class PipelinePortProfile
{
    internal PipelinePortProfile(int index, string? name, string? profileFile, TrafficManagerOptions options, PortConfig config, Classifier classifier)
    {
        Index = index;
        Name = name;
        ProfileFile = profileFile;
        Options = options;
        Config = config;
        Classifier = classifier;
    }

    /// <summary>The port's place in <c>ports</c>, which is its index in <see cref="Pipeline.PipelineOptions.Ports"/>.</summary>
    public int Index { get; }

    /// <summary>The port's <c>name</c>, unique in the profile; null when it has none.</summary>
    public string? Name { get; }

    /// <summary>The port profile file the port's <c>profile</c> names, resolved against the pipeline profile's folder;
    /// null when the port profile is inline.</summary>
    public string? ProfileFile { get; }

    /// <summary>The port profile as read, its classifier section (<see cref="TrafficManagerOptions.Classifier"/>) never
    /// null: <see cref="Config"/> and <see cref="Classifier"/> were compiled from it at load, and
    /// <see cref="PipelineProfile.ToOptions"/> compiles each pipeline's classifier from its section again.</summary>
    public TrafficManagerOptions Options { get; }

    /// <summary>The port's hierarchy, compiled from <see cref="Options"/>.</summary>
    public PortConfig Config { get; }

    /// <summary>
    /// The classifier compiled against <see cref="Config"/> when the profile was loaded, for classifying outside a
    /// pipeline. <see cref="PipelineProfile.ToOptions"/> compiles a new one for each pipeline: a classifier has counters
    /// and an offload table, and one thread owns it.
    /// </summary>
    public Classifier Classifier { get; }
}
