using Qos.Shaping.Internal;

namespace Qos.Shaping.Clock;

/// <summary>Conversions between wall-clock durations and bytes of line time at a port rate.</summary>
/// <remarks>All conversions round down to whole bytes and use 128-bit intermediates, so they never overflow.</remarks>
public static class LineTime
{
    /// <summary>Bytes of line time in <paramref name="milliseconds"/> at <paramref name="rateBytesPerSecond"/>.</summary>
    public static long FromMilliseconds(long milliseconds, long rateBytesPerSecond) =>
        Convert(milliseconds, rateBytesPerSecond, 1_000);

    /// <summary>Bytes of line time in <paramref name="nanoseconds"/> at <paramref name="rateBytesPerSecond"/>.</summary>
    public static long FromNanoseconds(long nanoseconds, long rateBytesPerSecond) =>
        Convert(nanoseconds, rateBytesPerSecond, 1_000_000_000);

    /// <summary>Nanoseconds taken by <paramref name="bytes"/> of line time at <paramref name="rateBytesPerSecond"/>.</summary>
    public static long ToNanoseconds(long bytes, long rateBytesPerSecond)
    {
        if (rateBytesPerSecond <= 0)
        {
            ThrowHelper.OutOfRange(nameof(rateBytesPerSecond), rateBytesPerSecond, "must be positive");
        }

        return (long)((System.Int128)bytes * 1_000_000_000 / rateBytesPerSecond);
    }

    private static long Convert(long amount, long rateBytesPerSecond, long unitsPerSecond)
    {
        if (rateBytesPerSecond <= 0)
        {
            ThrowHelper.OutOfRange(nameof(rateBytesPerSecond), rateBytesPerSecond, "must be positive");
        }

        return (long)((System.Int128)amount * rateBytesPerSecond / unitsPerSecond);
    }
}
