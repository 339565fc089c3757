using Qos.Shaping.Clock;
using Qos.Shaping.Internal;

namespace Qos.Shaping.Congestion;

/// <summary>
/// Configuration of PIE (RFC 8033) for a queue on one port: the target queueing delay, how often the drop
/// probability is recomputed, how long a fresh burst is let through, and the hard queue cap. Times are given
/// in milliseconds and stored in bytes of line time at the port rate (<c>bytes = ms × portRate / 1000</c>).
/// </summary>
/// <remarks>
/// The controller's gains are RFC 8033's <c>alpha = 0.125</c> and <c>beta = 1.25</c> per second, applied to delays
/// in seconds; they are stored per byte of line time (<c>0.125 / portRate</c> and <c>1.25 / portRate</c>) so the
/// update works on line time directly. As in the RFC they are meant for an update interval of about 15 ms.
/// </remarks>
public readonly struct PieParameters
{
    /// <summary>Default <see cref="QueueDelayReference"/> in milliseconds (RFC 8033 QDELAY_REF).</summary>
    public const int DefaultQueueDelayReferenceMilliseconds = 15;

    /// <summary>Default <see cref="UpdateInterval"/> in milliseconds (RFC 8033 T_UPDATE).</summary>
    public const int DefaultUpdateIntervalMilliseconds = 15;

    /// <summary>Default <see cref="MaxBurst"/> in milliseconds (RFC 8033 MAX_BURST).</summary>
    public const int DefaultMaxBurstMilliseconds = 150;

    /// <summary>
    /// Largest time parameter in milliseconds. Why: a delay target or interval of more than ten seconds is a
    /// configuration mistake, and the bound keeps line-time values far from overflow at any port rate.
    /// </summary>
    public const int MaxMilliseconds = 10_000;

    /// <summary>Smallest port rate in bytes per second: one millisecond must be at least one byte of line time.</summary>
    public const long MinPortRate = 1_000;

    private const double Alpha = 0.125;
    private const double Beta = 1.25;

    /// <summary>Creates validated PIE parameters.</summary>
    /// <param name="portRateBytesPerSecond">Port rate in bytes per second (&gt;= <see cref="MinPortRate"/>): the clock's unit.</param>
    /// <param name="tailDropThreshold">Queue length, in packets, at which every arrival is dropped (&gt;= 1).</param>
    /// <param name="queueDelayReferenceMilliseconds">Target queueing delay, 1..<see cref="MaxMilliseconds"/> ms.</param>
    /// <param name="updateIntervalMilliseconds">Interval between drop-probability updates, 1..<see cref="MaxMilliseconds"/> ms.</param>
    /// <param name="maxBurstMilliseconds">Burst let through a queue that was not congested, 0..<see cref="MaxMilliseconds"/> ms (0 turns the allowance off).</param>
    public PieParameters(
        long portRateBytesPerSecond,
        int tailDropThreshold,
        int queueDelayReferenceMilliseconds = DefaultQueueDelayReferenceMilliseconds,
        int updateIntervalMilliseconds = DefaultUpdateIntervalMilliseconds,
        int maxBurstMilliseconds = DefaultMaxBurstMilliseconds)
    {
        if (portRateBytesPerSecond < MinPortRate)
        {
            ThrowHelper.OutOfRange(nameof(portRateBytesPerSecond), portRateBytesPerSecond, $"must be at least {MinPortRate} bytes per second");
        }

        if (tailDropThreshold < 1)
        {
            ThrowHelper.OutOfRange(nameof(tailDropThreshold), tailDropThreshold, "must be at least 1 packet");
        }

        RequireMilliseconds(queueDelayReferenceMilliseconds, 1, nameof(queueDelayReferenceMilliseconds));
        RequireMilliseconds(updateIntervalMilliseconds, 1, nameof(updateIntervalMilliseconds));
        RequireMilliseconds(maxBurstMilliseconds, 0, nameof(maxBurstMilliseconds));

        PortRate = portRateBytesPerSecond;
        TailDropThreshold = tailDropThreshold;
        QueueDelayReference = LineTime.FromMilliseconds(queueDelayReferenceMilliseconds, portRateBytesPerSecond);
        UpdateInterval = LineTime.FromMilliseconds(updateIntervalMilliseconds, portRateBytesPerSecond);
        MaxBurst = LineTime.FromMilliseconds(maxBurstMilliseconds, portRateBytesPerSecond);
        AlphaPerByte = Alpha / portRateBytesPerSecond;
        BetaPerByte = Beta / portRateBytesPerSecond;
    }

    /// <summary>Port rate in bytes per second.</summary>
    public long PortRate { get; }

    /// <summary>Queue length, in packets, at which every arrival is dropped.</summary>
    public int TailDropThreshold { get; }

    /// <summary>Target queueing delay, in bytes of line time.</summary>
    public long QueueDelayReference { get; }

    /// <summary>Interval between drop-probability updates, in bytes of line time.</summary>
    public long UpdateInterval { get; }

    /// <summary>Burst allowance granted to an uncongested queue, in bytes of line time.</summary>
    public long MaxBurst { get; }

    /// <summary>Proportional gain per byte of line time of delay error.</summary>
    internal double AlphaPerByte { get; }

    /// <summary>Derivative gain per byte of line time of delay change between updates.</summary>
    internal double BetaPerByte { get; }

    private static void RequireMilliseconds(int value, int minimum, string name)
    {
        if (value < minimum || value > MaxMilliseconds)
        {
            ThrowHelper.OutOfRange(name, value, $"must be between {minimum} and {MaxMilliseconds} ms");
        }
    }
}
