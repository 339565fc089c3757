using System;
using System.Globalization;
using Qos.Perf.Cli;
using Qos.Shaping.Randomness;
using Qos.TrafficManager.Pipeline;

namespace Qos.Perf.LineRate;

/// <summary>Frame sizes the source offers: a fixed size, or IMIX (7:4:1 of 64, 594 and 1518 bytes).</summary>
public sealed class FrameMix
{
    private readonly int[] _sizes;

    private FrameMix(string name, int[] sizes)
    {
        Name = name;
        _sizes = sizes;
        double sum = 0;
        foreach (int s in sizes)
        {
            sum += s;
        }

        MeanLength = sum / sizes.Length;
    }

    public string Name { get; }

    public double MeanLength { get; }

    public int MaxLength => Math.Max(_sizes[0], _sizes[^1]);

    /// <summary>The sizes, each drawn with equal odds (IMIX repeats sizes to weigh them).</summary>
    public System.Collections.Generic.IReadOnlyList<int> Sizes => _sizes;

    public static FrameMix Parse(string text, int mtu)
    {
        if (text == "imix")
        {
            // Why: 12 slots hold the 7:4:1 ratio exactly; a random slot picks a size with the right odds.
            return new FrameMix("imix", [.. SyntheticFlows.Imix]);
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size < 64 || size > mtu)
        {
            throw new UsageException($"--frames '{text}' must be imix or a frame size from 64 to the MTU {mtu}");
        }

        return new FrameMix(text, [size]);
    }

    public int Next(ref Xorshift32 random) => _sizes.Length == 1 ? _sizes[0] : _sizes[random.Below((uint)_sizes.Length)];
}
