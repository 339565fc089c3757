using System;
using System.IO;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// Loads pipeline profiles (<c>profiles/pipeline-2x10gbe.yaml</c>): one YAML file that describes a
/// <see cref="Pipeline.PacketPipeline{TWork}"/>'s settings (<c>pipeline</c>) and its egress ports (<c>ports</c>), each
/// a port profile with its classifier, inline or in a file of its own. Whatever the input, the only exception is a
/// <see cref="ProfileException"/> naming the YAML path in the pipeline's terms
/// (<c>ports[1].pipe_profiles.default.rate</c>), the value, the rule, the line and, when the line is in a port profile
/// file, that file.
/// </summary>
/// <remarks>
/// The port profile schema is the single-port one (<see cref="ProfileLoader"/>), read by the same reader; the limits
/// of size, depth and nodes hold for the pipeline file and for each port profile file. A port needs a
/// <c>classifier</c>: it is what maps frames onto the port's hierarchy.
/// </remarks>
public static class PipelineProfileLoader
{
    /// <summary>Reads and checks the pipeline profile file at <paramref name="path"/>; port profile files it names are
    /// found relative to its folder.</summary>
    /// <exception cref="ProfileException">The file, or a port profile file it names, cannot be read, or the profile is invalid.</exception>
    public static PipelineProfile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = YamlSource.ReadFile(path, "pipeline");
        return Parse(text, Path.GetDirectoryName(path));
    }

    /// <summary>Checks the pipeline profile <paramref name="yaml"/>.</summary>
    /// <param name="yaml">The pipeline profile.</param>
    /// <param name="baseDirectory">The folder relative port profile paths (<c>ports[i].profile</c>) are found in; null:
    /// the current folder.</param>
    /// <exception cref="ProfileException">A port profile file it names cannot be read, or the profile is invalid.</exception>
    public static PipelineProfile Parse(string yaml, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        try
        {
            return PipelineProfileCompiler.Compile(ProfileYamlReader.ReadPipeline(yaml, baseDirectory));
        }
        catch (Exception e) when (e is not ProfileException)
        {
            // Why: the loader's contract is that nothing but a ProfileException escapes, whatever the input; the
            // exception's own message would be a library's wording, not the profile's.
            throw new ProfileException("pipeline", null, $"internal error while reading ({e.GetType().Name})", 0, 0);
        }
    }
}
