namespace Qos.TrafficManager.Replay;

/// <summary>How a trace is replayed.</summary>
public sealed class ReplayOptions
{
    /// <summary>
    /// The resolution of the virtual line while packets wait but none is eligible (every backlogged pipe or class is out
    /// of credits): time then moves in steps of this many nanoseconds (at least one byte of line time), or to the next
    /// arrival if that comes first, and the scheduler is asked again. A shaped packet can thus leave up to one step later
    /// than its credits allow; credits are not lost, so long-run rates are unaffected. Default 1000 ns.
    /// </summary>
    public long IdleStepNanoseconds { get; init; } = 1000;
}
