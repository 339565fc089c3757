using System.Collections.Generic;
using Qos.TrafficManager.Configuration;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// A port profile as written in YAML (see <c>profiles/example.yaml</c>): bindable options that
/// <see cref="ToPortConfig"/> turns into the scheduler's <see cref="PortConfig"/>. Quantities stay text with their
/// units (<c>"10gbps"</c>, <c>"1MB"</c>, <c>"40ms"</c>) so that a profile bound from any configuration source reads the
/// same as the YAML file.
/// </summary>
public sealed class TrafficManagerOptions
{
    /// <summary>The line: rate, MTU and frame overhead (YAML <c>port</c>).</summary>
    public PortOptions Port { get; set; } = new();

    /// <summary>Subport shaping profiles by name (YAML <c>subport_profiles</c>).</summary>
    public Dictionary<string, SubportProfileOptions> SubportProfiles { get; } = new();

    /// <summary>Pipe shaping profiles by name (YAML <c>pipe_profiles</c>).</summary>
    public Dictionary<string, PipeProfileOptions> PipeProfiles { get; } = new();

    /// <summary>The subports, numbered in list order (YAML <c>subports</c>).</summary>
    public List<SubportOptions> Subports { get; } = new();

    /// <summary>
    /// How frames map to paths (YAML <c>classifier</c>), when the profile has that section; compile it with
    /// <see cref="Classification.Classifier.Create"/> against the port from <see cref="ToPortConfig"/>.
    /// </summary>
    public Classification.ClassifierOptions? Classifier { get; set; }

    /// <summary>Where each YAML path was found, when the options came from YAML.</summary>
    internal ProfileSourceMap? Source { get; set; }

    /// <summary>Why the YAML could not be read into these options, if it could not.</summary>
    internal ProfileException? LoadError { get; set; }

    /// <summary>
    /// Checks the profile against every rule of the scheduler and builds its configuration (profiles in the order they
    /// were added, subports and pipes in list order).
    /// </summary>
    /// <exception cref="ProfileException">The profile is invalid; the exception names the path, value, rule and, for YAML, the line.</exception>
    public PortConfig ToPortConfig() => ProfileCompiler.Compile(this);
}
