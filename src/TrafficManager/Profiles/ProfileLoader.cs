using System;
using Qos.TrafficManager.Configuration;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// Loads YAML profiles (the format of <c>profiles/*.yaml</c>) into the scheduler's <see cref="PortConfig"/>. Whatever the
/// input, the only exception is a <see cref="ProfileException"/> naming the YAML path, the value, the rule and the line.
/// </summary>
public static class ProfileLoader
{
    /// <summary>Reads, checks and compiles the profile file at <paramref name="path"/>.</summary>
    /// <exception cref="ProfileException">The file cannot be read or the profile is invalid.</exception>
    public static PortConfig Load(string path) => LoadOptions(path).ToPortConfig();

    /// <summary>Checks and compiles the YAML profile <paramref name="yaml"/>.</summary>
    /// <exception cref="ProfileException">The profile is invalid.</exception>
    public static PortConfig Parse(string yaml) => ParseOptions(yaml).ToPortConfig();

    /// <summary>Reads the profile file at <paramref name="path"/> into options, checking its shape but not yet its values.</summary>
    /// <exception cref="ProfileException">The file cannot be read or is not shaped like a profile.</exception>
    public static TrafficManagerOptions LoadOptions(string path)
    {
        var options = new TrafficManagerOptions();
        Read(options, ReadFile(path));
        return options;
    }

    /// <summary>Reads <paramref name="yaml"/> into options, checking its shape but not yet its values.</summary>
    /// <exception cref="ProfileException">The text is not shaped like a profile.</exception>
    public static TrafficManagerOptions ParseOptions(string yaml)
    {
        var options = new TrafficManagerOptions();
        Read(options, yaml);
        return options;
    }

    /// <summary>Reads a profile into <paramref name="options"/>, keeping an error for validation instead of throwing it.</summary>
    internal static void ReadInto(TrafficManagerOptions options, Func<string> text)
    {
        try
        {
            Read(options, text());
        }
        catch (ProfileException e)
        {
            options.LoadError = e;
        }
    }

    internal static string ReadFile(string path) => YamlSource.ReadFile(path, "profile");

    private static void Read(TrafficManagerOptions options, string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        try
        {
            ProfileYamlReader.Read(yaml, options);
        }
        catch (Exception e) when (e is not ProfileException)
        {
            // Why: the loader's contract is that nothing but a ProfileException escapes, whatever the input; the
            // exception's own message would be a library's wording, not the profile's.
            throw new ProfileException("profile", null, $"internal error while reading ({e.GetType().Name})", 0, 0);
        }
    }
}
