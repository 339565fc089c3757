using System.Runtime.InteropServices;
using Qos.Shaping.TokenBucket;
using Qos.Shaping.TrafficClasses;
using Qos.Shaping.Wrr;

namespace Qos.TrafficManager.Scheduling;

/// <summary>
/// The shaping state of one pipe: three cache lines, prefetched together when a grinder takes the pipe.
/// Queue positions live apart in <see cref="QueuePositions"/> because enqueue needs them and nothing else.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 192)]
internal struct PipeState
{
    public TokenBucketState Bucket;
    public TrafficClassLimiter Classes;
    public BestEffortWrr Wrr;

    /// <summary>Best-effort bytes this pipe may still send in the subport's current period (oversubscription).</summary>
    public long OversubscriptionCredits;

    /// <summary>The subport period <see cref="OversubscriptionCredits"/> belongs to.</summary>
    public int OversubscriptionPeriod;

    /// <summary>Index of the pipe's profile in the port's pipe profiles.</summary>
    public int Profile;

    /// <summary>Index of the pipe's subport.</summary>
    public int Subport;
}
