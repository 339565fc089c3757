namespace Qos.Shaping.Clock;

/// <summary>A source of the current time in bytes of line time (see <see cref="TickToByteConverter"/>).</summary>
/// <remarks>Monotonic: successive reads never decrease.</remarks>
public interface IByteClock
{
    /// <summary>Port rate the clock counts in, bytes per second.</summary>
    long PortRate { get; }

    /// <summary>The current time in bytes of line time.</summary>
    long Now();
}
