using System;
using System.IO;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Profiles;

namespace Qos.TrafficManager.Tests.Profiles;

/// <summary>
/// Every public way into the YAML loaders, by name, each fed the same text (the file entry points through a temporary
/// file), so a test of hostile input covers them all.
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
    ];

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
            default: throw new ArgumentOutOfRangeException(nameof(name), name, "no such entry point");
        }
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
