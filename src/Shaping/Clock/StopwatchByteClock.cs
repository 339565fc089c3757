using System.Diagnostics;

namespace Qos.Shaping.Clock;

/// <summary>Real time: <see cref="Stopwatch"/> ticks converted to bytes of line time without drift.</summary>
/// <remarks>Not thread-safe: one clock per owning thread, like the scheduler that reads it.</remarks>
public sealed class StopwatchByteClock : IByteClock
{
    private TickToByteConverter _converter;

    /// <summary>Starts a clock at byte time 0 now.</summary>
    /// <param name="portRateBytesPerSecond">Port rate in bytes per second.</param>
    public StopwatchByteClock(long portRateBytesPerSecond)
    {
        _converter = new TickToByteConverter(portRateBytesPerSecond, Stopwatch.Frequency, Stopwatch.GetTimestamp());
    }

    /// <inheritdoc />
    public long PortRate => _converter.PortRate;

    /// <inheritdoc />
    public long Now() => _converter.Advance(Stopwatch.GetTimestamp());
}
