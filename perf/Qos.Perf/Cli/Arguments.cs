using System;
using System.Collections.Generic;
using System.Globalization;

namespace Qos.Perf.Cli;

/// <summary>
/// <c>--name value</c> options, <c>--flag</c> switches and positional arguments of one command. Every option and
/// positional a command reads is marked as used; <see cref="EnsureAllUsed"/> refuses the rest, so a misspelt
/// option or a stray argument is an error, not ignored.
/// </summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = new();
    private int _positionalsUsed;

    public static Arguments Parse(ReadOnlySpan<string> args)
    {
        var parsed = new Arguments();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                parsed._positionals.Add(arg);
                continue;
            }

            if (arg.Length == 2)
            {
                throw new UsageException("unexpected argument '--': options are written --name value");
            }

            string name = arg[2..];
            string? value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            if (!parsed._options.TryAdd(name, value))
            {
                throw new UsageException($"option --{name} is given twice");
            }
        }

        return parsed;
    }

    /// <summary>The positional argument at <paramref name="index"/>, or null.</summary>
    public string? Positional(int index)
    {
        _positionalsUsed = Math.Max(_positionalsUsed, index + 1);
        return index < _positionals.Count ? _positionals[index] : null;
    }

    /// <summary>Whether --<paramref name="name"/> was given at all (with or without a value).</summary>
    public bool WasGiven(string name) => _options.ContainsKey(name);

    public bool Flag(string name)
    {
        _used.Add(name);
        if (!_options.TryGetValue(name, out string? value))
        {
            return false;
        }

        return value is null ? true : throw new UsageException($"--{name} is a switch and takes no value (got '{value}')");
    }

    public string? Text(string name)
    {
        _used.Add(name);
        if (!_options.TryGetValue(name, out string? value))
        {
            return null;
        }

        return value ?? throw new UsageException($"--{name} needs a value");
    }

    public long Whole(string name, long defaultValue, long min, long max)
    {
        string? text = Text(name);
        if (text is null)
        {
            return defaultValue;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value < min || value > max)
        {
            throw new UsageException($"--{name} '{text}' must be an integer from {min} to {max}");
        }

        return value;
    }

    public double Number(string name, double defaultValue, double min, double max)
    {
        string? text = Text(name);
        if (text is null)
        {
            return defaultValue;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= min && value <= max))
        {
            throw new UsageException($"--{name} '{text}' must be a number from {min} to {max}");
        }

        return value;
    }

    public void EnsureAllUsed()
    {
        if (_positionals.Count > _positionalsUsed)
        {
            throw new UsageException($"unexpected argument '{_positionals[_positionalsUsed]}': options are written --name value");
        }

        foreach (string name in _options.Keys)
        {
            if (!_used.Contains(name))
            {
                throw new UsageException($"unknown option --{name}");
            }
        }
    }
}
