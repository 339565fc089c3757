using Qos.Shaping.Internal;

namespace Qos.Shaping.Clock;

/// <summary>Virtual time for tests and trace replay: it moves only when told to.</summary>
public sealed class VirtualByteClock : IByteClock
{
    private long _now;

    /// <summary>Creates a virtual clock at <paramref name="start"/> bytes of line time.</summary>
    /// <param name="portRateBytesPerSecond">Port rate in bytes per second.</param>
    /// <param name="start">Initial byte time.</param>
    public VirtualByteClock(long portRateBytesPerSecond, long start = 0)
    {
        if (portRateBytesPerSecond <= 0)
        {
            ThrowHelper.OutOfRange(nameof(portRateBytesPerSecond), portRateBytesPerSecond, "must be positive");
        }

        PortRate = portRateBytesPerSecond;
        _now = start;
    }

    /// <inheritdoc />
    public long PortRate { get; }

    /// <inheritdoc />
    public long Now() => _now;

    /// <summary>Moves time forward by <paramref name="bytes"/> bytes of line time (&gt;= 0).</summary>
    public void Advance(long bytes)
    {
        if (bytes < 0)
        {
            ThrowHelper.OutOfRange(nameof(bytes), bytes, "must not be negative: time only moves forward");
        }

        _now += bytes;
    }

    /// <summary>Sets the time to <paramref name="bytes"/>, which must not be earlier than now.</summary>
    public void Set(long bytes)
    {
        if (bytes < _now)
        {
            ThrowHelper.OutOfRange(nameof(bytes), bytes, $"must not be earlier than the current time {_now}");
        }

        _now = bytes;
    }

}
