using System;
using System.IO;
using System.Linq;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Profiles;

namespace Qos.TrafficManager.Tests.Profiles;

/// <summary>
/// Every public way into the YAML loaders, by name, each fed the same text (the file entry points through a temporary
/// file), so a test of hostile input covers them all. The pipeline loader takes the text twice: as the pipeline profile,
/// and as the file a pipeline's port refers to, so that a port profile file's errors are covered as well.
/// </summary>
internal static class LoaderEntryPoints
{
    public static readonly string[] Names =
    [
        "ProfileLoader.Parse",
        "ProfileLoader.ParseOptions",
        "ProfileLoader.Load",
        "ProfileLoader.LoadOptions",
        "ClassifierLoader.Parse",
        "ClassifierLoader.Load",
        "PipelineProfileLoader.Parse",
        "PipelineProfileLoader.Load",
        PortProfileFile,
    ];

    /// <summary>The pipeline loader reading the text as the port profile file of its one port.</summary>
    private const string PortProfileFile = "PipelineProfileLoader.Parse, ports[0].profile";

    /// <summary>Runs the entry point <paramref name="name"/> on <paramref name="yaml"/>.</summary>
    public static void Run(string name, string yaml)
    {
        switch (name)
        {
            case "ProfileLoader.Parse": ProfileLoader.Parse(yaml); break;
            case "ProfileLoader.ParseOptions": ProfileLoader.ParseOptions(yaml); break;
            case "ProfileLoader.Load": FromFile(yaml, path => ProfileLoader.Load(path)); break;
            case "ProfileLoader.LoadOptions": FromFile(yaml, path => ProfileLoader.LoadOptions(path)); break;
            case "ClassifierLoader.Parse": ClassifierLoader.Parse(yaml); break;
            case "ClassifierLoader.Load": FromFile(yaml, path => ClassifierLoader.Load(path)); break;
            case "PipelineProfileLoader.Parse": PipelineProfileLoader.Parse(yaml); break;
            case "PipelineProfileLoader.Load": FromFile(yaml, path => PipelineProfileLoader.Load(path)); break;
            case PortProfileFile: FromFile(yaml, path => PipelineProfileLoader.Parse($"ports:\n  - profile: '{path}'\n")); break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, "no such entry point");
        }
    }

    /// <summary>
    /// A valid document for the entry point <paramref name="name"/>: <c>profiles/10gbe.yaml</c>, which is a profile and a
    /// classifier file alike; for the pipeline loader's own text, a pipeline whose one port is that profile inline.
    /// </summary>
    public static string ValidDocument(string name)
    {
        string profile = File.ReadAllText(Repository.Profile("10gbe.yaml"));
        if (name is not ("PipelineProfileLoader.Parse" or "PipelineProfileLoader.Load"))
        {
            return profile;
        }

        return "ports:\n  -\n" + string.Concat(profile.Split('\n').Select(line => line.Length == 0 ? "\n" : $"    {line}\n"));
    }

    /// <summary>Runs <paramref name="load"/> on a temporary file holding <paramref name="yaml"/>.</summary>
    public static void FromFile(string yaml, Action<string> load)
    {
        string path = Path.Combine(Path.GetTempPath(), $"qos-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        try
        {
            load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
