using System.Runtime.CompilerServices;
using Qos.Shaping.Congestion;
using Qos.Shaping.Oversubscription;
using Qos.Shaping.TokenBucket;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Stats;

namespace Qos.TrafficManager.Scheduling;

/// <summary>
/// One subport: its shaping state, the layout of its pipes' queues, its oversubscription watermark and
/// its per-class counters.
/// </summary>
internal sealed class Subport
{
    public Subport(int index, SubportConfig config, SubportProfile profile, int firstPipe, long firstSlot, PortConfig port, long now, long largestBestEffortRate)
    {
        Index = index;
        Config = config;
        Profile = profile;
        ProfileIndex = config.Profile;
        FirstPipe = firstPipe;
        FirstSlot = firstSlot;
        PipeCount = config.PipeCount;
        int offset = 0;
        for (int q = 0; q < TrafficClass.QueuesPerPipe; q++)
        {
            int size = config.QueueSizes[TrafficClass.OfQueue(q)];
            QueueOffset[q] = offset;
            QueueMask[q] = size - 1;
            QueueSize[q] = size;
            offset += size;
        }

        SlotsPerPipe = offset;
        SlotOrigin = firstSlot - ((long)firstPipe * offset);
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            if (config.Red?[tc] is { } red)
            {
                Red[tc] = red;
                MarkCongestion(tc, CongestionControl.Red);
            }
            else if (config.Pie?[tc] is { } pie)
            {
                Pie[tc] = pie;
                MarkCongestion(tc, CongestionControl.Pie);
            }
        }

        Mtu = port.Mtu;
        FrameOverhead = port.FrameOverhead;
        Oversubscription = config.Oversubscription;
        Bucket = TokenBucketState.Full(profile.Bucket, now);
        Classes = TrafficClassLimiter.Start(profile.Classes, now);
        LargestBestEffortRate = largestBestEffortRate;
        Watermark = NewWatermark(profile);
    }

    public int Index { get; }

    public SubportConfig Config { get; }

    public SubportProfile Profile;

    public int ProfileIndex;

    /// <summary>Global index of this subport's pipe 0.</summary>
    public int FirstPipe { get; }

    public int PipeCount { get; }

    /// <summary>Index of this subport's first queue slot in the port's slot array.</summary>
    public long FirstSlot { get; }

    /// <summary>Queue slots per pipe: the sum of its 16 queue sizes.</summary>
    public int SlotsPerPipe { get; }

    /// <summary>Where global pipe 0's slots would start if it were in this subport: global pipe p's first slot is <c>SlotOrigin + p × SlotsPerPipe</c>.</summary>
    public long SlotOrigin { get; }

    /// <summary>Index of global pipe <paramref name="globalPipe"/>'s first queue slot (the pipe is in this subport).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long SlotBase(int globalPipe) => SlotOrigin + ((long)globalPipe * SlotsPerPipe);

    // Why: fields, not readonly, so that indexing them is a plain load (a readonly inline array would be
    // indexed through a read-only span).
    public QueueValues QueueOffset;
    public QueueValues QueueMask;
    public QueueValues QueueSize;

    /// <summary>Active queue management per pipe queue index.</summary>
    public QueueCongestion Congestion;

    public readonly RedProfile[] Red = new RedProfile[TrafficClass.Count];

    public readonly PieParameters[] Pie = new PieParameters[TrafficClass.Count];

    public bool HasCongestionControl { get; private set; }

    public int Mtu { get; }

    public int FrameOverhead { get; }

    public long LargestBestEffortRate { get; }

    public TokenBucketState Bucket;

    public TrafficClassLimiter Classes;

    public OversubscriptionWatermark Watermark;

    public bool Oversubscription;

    /// <summary>Counts subport class periods; pipes compare it to know their allowance is stale.</summary>
    public int Period;

    public readonly ClassCounters[] Counters = new ClassCounters[TrafficClass.Count];

    public ref ClassCounters CountersOf(int trafficClass) => ref Counters[trafficClass];

    /// <summary>
    /// Brings the bucket and the class credits up to <paramref name="now"/>. At a period boundary the
    /// watermark first adapts to what the ending period's classes consumed.
    /// </summary>
    public void Refresh(long now)
    {
        Bucket.Refill(Profile.Bucket, now);
        if (now < Classes.NextReset)
        {
            return;
        }

        if (Oversubscription)
        {
            long higher = 0;
            for (int tc = 0; tc < TrafficClass.StrictPriorityCount; tc++)
            {
                higher += Profile.Classes.CreditsPerPeriod(tc) - Classes.Credits(tc);
            }

            long budget = Profile.Classes.CreditsPerPeriod(TrafficClass.BestEffort);
            Watermark.Update(budget, higher, budget - Classes.Credits(TrafficClass.BestEffort), Mtu);
        }

        Period++;
        Classes.Refill(Profile.Classes, now);
    }

    /// <summary>
    /// Switches to another profile at <paramref name="now"/>: the bucket and the class credits are kept (clamped to the
    /// new profile), the class period runs on (it ends no later than one new period from now), and the watermark restarts.
    /// </summary>
    public void ChangeProfile(int index, SubportProfile profile, long now)
    {
        // Why: a boundary the old profile reached first ends its period as usual (the watermark adapts to it).
        Refresh(now);
        Bucket.Rebind(Profile.Bucket, profile.Bucket);
        Classes.Rebind(Profile.Classes, profile.Classes, now);
        Profile = profile;
        ProfileIndex = index;
        RestartWatermark();
    }

    /// <summary>Turns oversubscription control on or off at <paramref name="now"/>; the class credits are not touched.</summary>
    public void SetOversubscription(bool enabled, long now)
    {
        Refresh(now);
        Oversubscription = enabled;
        RestartWatermark();
    }

    /// <summary>
    /// The watermark restarts unrestricted and re-adapts. Why: its bounds depend on the class period; the pipes see
    /// the new period count and take a fresh allowance from it at their next turn.
    /// </summary>
    private void RestartWatermark()
    {
        Watermark = NewWatermark(Profile);
        Period++;
    }

    private void MarkCongestion(int tc, CongestionControl kind)
    {
        HasCongestionControl = true;
        for (int q = 0; q < TrafficClass.QueuesPerPipe; q++)
        {
            if (TrafficClass.OfQueue(q) == tc)
            {
                Congestion[q] = kind;
            }
        }
    }

    private OversubscriptionWatermark NewWatermark(SubportProfile profile) =>
        OversubscriptionWatermark.ForSubport(Mtu, FrameOverhead, profile.Classes.PeriodMilliseconds, LargestBestEffortRate);
}
