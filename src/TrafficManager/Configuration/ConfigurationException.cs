using System;

namespace Qos.TrafficManager.Configuration;

/// <summary>
/// A configuration was refused. <see cref="Field"/> is the path of the offending field in the profile's own
/// terms (<c>subports[0].queue_sizes[3]</c>), <see cref="Value"/> its value, <see cref="Rule"/> the rule it broke.
/// </summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception; the message reads <c>field: rule (value)</c>.</summary>
    public ConfigurationException(string field, string? value, string rule)
        : base($"{field}: {rule} (value: {value ?? "missing"})")
    {
        Field = field;
        Value = value;
        Rule = rule;
    }

    /// <summary>Path of the field, e.g. <c>pipe_profiles[1].tc_rates[12]</c>.</summary>
    public string Field { get; }

    /// <summary>The refused value as text, or null when it was missing.</summary>
    public string? Value { get; }

    /// <summary>The rule the value broke.</summary>
    public string Rule { get; }
}
