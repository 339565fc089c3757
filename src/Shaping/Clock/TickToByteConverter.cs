using System;
using System.Diagnostics;
using Qos.Shaping.Internal;

namespace Qos.Shaping.Clock;

/// <summary>
/// Converts a monotonic tick count into bytes of line time at a fixed port rate, without drift.
/// </summary>
/// <remarks>
/// One byte of line time is the time the port needs to send one byte: <c>1 / portRate</c> seconds.
/// Each call turns the ticks elapsed since the previous call into bytes as
/// <c>(ticks × portRate + remainder) / ticksPerSecond</c> and keeps the remainder for the next call, so the
/// sum of all conversions equals <c>floor(totalTicks × portRate / ticksPerSecond)</c> exactly, however
/// the calls are spaced. 128-bit intermediate arithmetic means a long gap between calls cannot overflow.
/// </remarks>
public struct TickToByteConverter
{
    private readonly long _portRate;
    private readonly long _ticksPerSecond;
    private long _lastTicks;
    private long _remainder;
    private long _bytes;

    /// <summary>Starts a conversion at <paramref name="startTicks"/>, which maps to byte time <paramref name="startBytes"/>.</summary>
    /// <param name="portRateBytesPerSecond">Port rate in bytes per second (&gt; 0).</param>
    /// <param name="ticksPerSecond">Frequency of the tick source (&gt; 0), e.g. <see cref="Stopwatch.Frequency"/>.</param>
    /// <param name="startTicks">Tick count at which byte time is <paramref name="startBytes"/>.</param>
    /// <param name="startBytes">Byte time at <paramref name="startTicks"/>.</param>
    public TickToByteConverter(long portRateBytesPerSecond, long ticksPerSecond, long startTicks, long startBytes = 0)
    {
        if (portRateBytesPerSecond <= 0)
        {
            ThrowHelper.OutOfRange(nameof(portRateBytesPerSecond), portRateBytesPerSecond, "must be positive");
        }

        if (ticksPerSecond <= 0)
        {
            ThrowHelper.OutOfRange(nameof(ticksPerSecond), ticksPerSecond, "must be positive");
        }

        _portRate = portRateBytesPerSecond;
        _ticksPerSecond = ticksPerSecond;
        _lastTicks = startTicks;
        _remainder = 0;
        _bytes = startBytes;
    }

    /// <summary>Byte time at the most recent conversion.</summary>
    public readonly long Bytes => _bytes;

    /// <summary>Port rate in bytes per second.</summary>
    public readonly long PortRate => _portRate;

    /// <summary>Advances to <paramref name="nowTicks"/> and returns the byte time there. Ticks never go backwards.</summary>
    public long Advance(long nowTicks)
    {
        long deltaTicks = nowTicks - _lastTicks;
        Debug.Assert(deltaTicks >= 0, "the tick source must be monotonic");
        if (deltaTicks <= 0)
        {
            return _bytes;
        }

        _lastTicks = nowTicks;
        Int128 scaled = ((Int128)deltaTicks * _portRate) + _remainder;
        Int128 whole = Int128.DivRem(scaled, _ticksPerSecond).Quotient;
        _remainder = (long)(scaled - (whole * _ticksPerSecond));
        _bytes += (long)whole;
        Debug.Assert(_remainder >= 0 && _remainder < _ticksPerSecond, "the carried remainder stays below one byte");
        return _bytes;
    }
}
