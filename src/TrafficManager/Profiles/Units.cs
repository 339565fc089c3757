using System;
using System.Globalization;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// The quantities of a profile: rates (bit/s <c>bps kbps mbps gbps</c>, byte/s <c>B/s kB/s MB/s GB/s</c>, a bare number
/// is bytes/s), sizes (<c>B kB MB GB</c> in 1000s, <c>KiB MiB GiB</c> in 1024s, a bare number is bytes) and times
/// (<c>ns us ms s</c>; a unit is required). Numbers are decimal (<c>2.44mbps</c>) and computed exactly; a rate is
/// rounded to the nearest byte per second, a size must come out in whole bytes.
/// </summary>
internal static class Units
{
    public const string RateHelp = "a rate is a number with bps, kbps, mbps, gbps (bits/s) or B/s, kB/s, MB/s, GB/s (bytes/s); a bare number is bytes/s";
    public const string SizeHelp = "a size is a number with B, kB, MB, GB (1000s) or KiB, MiB, GiB (1024s); a bare number is bytes";
    public const string TimeHelp = "a time is a number with ns, us, ms or s";

    /// <summary>Parses a rate into bytes per second; returns null on success, else the rule broken.</summary>
    public static string? ParseRate(string text, out long bytesPerSecond)
    {
        bytesPerSecond = 0;
        if (!Split(text, out decimal number, out string unit))
        {
            return $"'{text}' is not a rate: {RateHelp}";
        }

        decimal? factor = unit switch
        {
            "" or "B/s" => 1m,
            "kB/s" => 1_000m,
            "MB/s" => 1_000_000m,
            "GB/s" => 1_000_000_000m,
            "bps" => 0.125m,
            "kbps" or "Kbps" => 125m,
            "mbps" or "Mbps" => 125_000m,
            "gbps" or "Gbps" => 125_000_000m,
            _ => null,
        };
        if (factor is not { } f)
        {
            return $"unknown rate unit '{unit}': {RateHelp}";
        }

        return Multiply(number, f, out decimal value) && ToWhole(value, round: true, out bytesPerSecond) ? null : $"'{text}' is too large";
    }

    /// <summary>Parses a size into bytes; returns null on success, else the rule broken.</summary>
    public static string? ParseSize(string text, out long bytes)
    {
        bytes = 0;
        if (!Split(text, out decimal number, out string unit))
        {
            return $"'{text}' is not a size: {SizeHelp}";
        }

        decimal? factor = unit switch
        {
            "" or "B" => 1m,
            "kB" => 1_000m,
            "MB" => 1_000_000m,
            "GB" => 1_000_000_000m,
            "KiB" => 1024m,
            "MiB" => 1024m * 1024,
            "GiB" => 1024m * 1024 * 1024,
            _ => null,
        };
        if (factor is not { } f)
        {
            return $"unknown size unit '{unit}': {SizeHelp}";
        }

        if (!Multiply(number, f, out decimal value))
        {
            return $"'{text}' is too large";
        }

        if (value != decimal.Truncate(value))
        {
            return $"'{text}' is not a whole number of bytes";
        }

        return ToWhole(value, round: false, out bytes) ? null : $"'{text}' is too large";
    }

    /// <summary>Parses a time into whole milliseconds; returns null on success, else the rule broken.</summary>
    public static string? ParseMilliseconds(string text, out long milliseconds)
    {
        milliseconds = 0;
        if (!Split(text, out decimal number, out string unit))
        {
            return $"'{text}' is not a time: {TimeHelp}";
        }

        decimal? factor = unit switch
        {
            "ns" => 0.000001m,
            "us" or "µs" => 0.001m,
            "ms" => 1m,
            "s" => 1000m,
            _ => null,
        };
        if (factor is not { } f)
        {
            return unit.Length == 0 ? $"'{text}' needs a unit: {TimeHelp}" : $"unknown time unit '{unit}': {TimeHelp}";
        }

        if (!Multiply(number, f, out decimal value))
        {
            return $"'{text}' is too large";
        }

        if (value != decimal.Truncate(value))
        {
            return $"'{text}' is not a whole number of milliseconds";
        }

        return ToWhole(value, round: false, out milliseconds) ? null : $"'{text}' is too large";
    }

    /// <summary>Splits <c>2.44 mbps</c> into an unsigned decimal number and its unit.</summary>
    private static bool Split(string text, out decimal number, out string unit)
    {
        number = 0;
        unit = "";
        string s = text.Trim();
        int end = 0;
        bool digits = false;
        bool point = false;
        while (end < s.Length)
        {
            char c = s[end];
            if (c is >= '0' and <= '9')
            {
                digits = true;
            }
            else if (c == '.' && !point)
            {
                point = true;
            }
            else
            {
                break;
            }

            end++;
        }

        // Why the length bound: decimal holds 28-29 digits; longer numbers are mistakes, not quantities.
        if (!digits || end > 28)
        {
            return false;
        }

        unit = s[end..].TrimStart();
        return decimal.TryParse(s.AsSpan(0, end), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number);
    }

    private static bool Multiply(decimal a, decimal b, out decimal product)
    {
        try
        {
            product = a * b;
            return true;
        }
        catch (OverflowException)
        {
            product = 0;
            return false;
        }
    }

    private static bool ToWhole(decimal value, bool round, out long result)
    {
        result = 0;
        decimal whole = round ? decimal.Round(value, MidpointRounding.AwayFromZero) : value;
        if (whole > long.MaxValue)
        {
            return false;
        }

        result = (long)whole;
        return true;
    }
}
