using System;
using System.Collections.Generic;
using System.Globalization;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// Where each path of a YAML profile was found: its 1-based line and column. A path with no node of its own (a missing
/// key, or <c>tc_rates[7]</c> written as one value for all classes) resolves to its nearest recorded ancestor.
/// </summary>
internal sealed class ProfileSourceMap
{
    private readonly Dictionary<string, (int Line, int Column)> _marks = new(StringComparer.Ordinal);

    public void Record(string path, long line, long column) =>
        _marks[path] = ((int)Math.Min(line, int.MaxValue), (int)Math.Min(column, int.MaxValue));

    /// <summary>The position of <paramref name="path"/> or of its nearest recorded ancestor; (0, 0) when none.</summary>
    public (int Line, int Column) Find(string path)
    {
        string p = path;
        while (p.Length > 0)
        {
            if (_marks.TryGetValue(p, out var mark))
            {
                return mark;
            }

            p = Parent(p);
        }

        return (0, 0);
    }

    /// <summary>
    /// Turns a validator path (<c>pipe_profiles[1].rate</c>, profiles by index) into the YAML path
    /// (<c>pipe_profiles.silver.rate</c>, profiles by name).
    /// </summary>
    public static string ToYamlPath(string field, IReadOnlyList<string> subportProfiles, IReadOnlyList<string> pipeProfiles) =>
        Rename(Rename(field, "subport_profiles", subportProfiles), "pipe_profiles", pipeProfiles);

    private static string Rename(string field, string section, IReadOnlyList<string> names)
    {
        string prefix = section + "[";
        if (!field.StartsWith(prefix, StringComparison.Ordinal))
        {
            return field;
        }

        int close = field.IndexOf(']', prefix.Length);
        if (close < 0 || !int.TryParse(field.AsSpan(prefix.Length, close - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || (uint)index >= (uint)names.Count)
        {
            return field;
        }

        return $"{section}.{names[index]}{field[(close + 1)..]}";
    }

    private static string Parent(string path)
    {
        int open = path[^1] == ']' ? path.LastIndexOf('[') : -1;
        if (open >= 0)
        {
            return path[..open];
        }

        int dot = path.LastIndexOf('.');
        return dot < 0 ? "" : path[..dot];
    }
}
