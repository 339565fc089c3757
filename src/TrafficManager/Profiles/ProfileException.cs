using System;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// A profile was refused: <see cref="Path"/> names the offending YAML node in the file's own terms
/// (<c>subports[0].pipes[0].profile</c>, <c>pipe_profiles.silver.rate</c>), <see cref="Value"/> is what it held,
/// <see cref="Rule"/> the rule it broke, and <see cref="Line"/> and <see cref="Column"/> where it is (1-based; 0 when
/// the options did not come from a file). The message reads
/// <c>subports[0].pipes[0].profile: unknown pipe profile 'gold' (line 21, col 30)</c>.
/// </summary>
public sealed class ProfileException : Exception
{
    /// <summary>Creates the exception; the message is <c>path: rule (line L, col C)</c>.</summary>
    /// <param name="path">YAML path of the offending node.</param>
    /// <param name="value">The refused value as text, or null when it was missing.</param>
    /// <param name="rule">The rule the value broke.</param>
    /// <param name="line">1-based line of the node, or 0 when unknown.</param>
    /// <param name="column">1-based column of the node, or 0 when unknown.</param>
    public ProfileException(string path, string? value, string rule, int line, int column)
        : this(path, value, rule, line, column, rule)
    {
    }

    private ProfileException(string path, string? value, string rule, int line, int column, string detail)
        : base(Format(path, detail, line, column))
    {
        Path = path;
        Value = value;
        Rule = rule;
        Line = line;
        Column = column;
    }

    /// <summary>YAML path of the offending node, e.g. <c>pipe_profiles.silver.tc_rates[7]</c>.</summary>
    public string Path { get; }

    /// <summary>The refused value as text, or null when it was missing.</summary>
    public string? Value { get; }

    /// <summary>The rule the value broke.</summary>
    public string Rule { get; }

    /// <summary>1-based line of the offending node, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column of the offending node, or 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>An error whose rule does not mention the value: the message adds <c>(value: ...)</c>.</summary>
    internal static ProfileException WithValue(string path, string? value, string rule, int line, int column) =>
        new(path, value, rule, line, column, $"{rule} (value: {value ?? "missing"})");

    private static string Format(string path, string detail, int line, int column) =>
        line > 0 ? $"{path}: {detail} (line {line}, col {column})" : $"{path}: {detail}";
}
