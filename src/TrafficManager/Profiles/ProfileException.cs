using System;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// A profile was refused: <see cref="Path"/> names the offending YAML node in the file's own terms
/// (<c>subports[0].pipes[0].profile</c>, <c>pipe_profiles.silver.rate</c>), <see cref="Value"/> is what it held,
/// <see cref="Rule"/> the rule it broke, and <see cref="Line"/> and <see cref="Column"/> where it is (1-based; 0 when
/// the options did not come from a file). The message reads
/// <c>subports[0].pipes[0].profile: unknown pipe profile 'gold' (line 21, col 30)</c>. When the line is in another
/// file than the one loaded (a port profile a pipeline profile refers to), <see cref="File"/> names it and the message
/// reads <c>ports[1].pipe_profiles.default.rate: ... (profiles/10gbe.yaml, line 12, col 9)</c>.
/// </summary>
public sealed class ProfileException : Exception
{
    private readonly string _detail;

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

    private ProfileException(string path, string? value, string rule, int line, int column, string detail, string? file = null, Exception? inner = null)
        : base(Format(path, detail, line, column, file), inner)
    {
        Path = path;
        Value = value;
        Rule = rule;
        Line = line;
        Column = column;
        File = file;
        _detail = detail;
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

    /// <summary>
    /// The file <see cref="Line"/> and <see cref="Column"/> are in when it is not the one loaded: the port profile file
    /// a pipeline profile's <c>ports[i].profile</c> names (as resolved against the pipeline profile's folder); null
    /// otherwise.
    /// </summary>
    public string? File { get; }

    /// <summary>An error whose rule does not mention the value: the message adds <c>(value: ...)</c>.</summary>
    internal static ProfileException WithValue(string path, string? value, string rule, int line, int column) =>
        new(path, value, rule, line, column, $"{rule} (value: {value ?? "missing"})");

    /// <summary>
    /// This error, raised by a port profile that sits in a pipeline profile, in the pipeline's terms: its path under
    /// <paramref name="prefix"/> (<c>ports[1].port.rate</c>), the document's own name (<c>profile</c>, for an error about
    /// the whole document) replaced by <paramref name="document"/>; its position in <paramref name="file"/> when the
    /// port profile is a file of its own, else, when it has none, <paramref name="line"/> and <paramref name="column"/>.
    /// </summary>
    internal ProfileException Nested(string prefix, string document, string? file, int line, int column)
    {
        string path = Path == "profile" ? document : $"{prefix}.{Path}";
        string? where = File ?? file;
        bool keep = Line > 0 || where is not null;
        return new ProfileException(path, Value, Rule, keep ? Line : line, keep ? Column : column, _detail, where, this);
    }

    private static string Format(string path, string detail, int line, int column, string? file) => (line > 0, file) switch
    {
        (true, null) => $"{path}: {detail} (line {line}, col {column})",
        (true, _) => $"{path}: {detail} ({file}, line {line}, col {column})",
        (false, null) => $"{path}: {detail}",
        (false, _) => $"{path}: {detail} ({file})",
    };
}
