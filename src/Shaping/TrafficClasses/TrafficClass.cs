namespace Qos.Shaping.TrafficClasses;

/// <summary>The traffic classes of a pipe: 12 strict-priority classes and one best-effort class.</summary>
/// <remarks>
/// Class 0 has the highest priority. Classes 0..11 have one queue each; the best-effort class 12 has four
/// queues served by byte-based WRR. Queue indices within a pipe are 0..11 for the strict classes and
/// 12..15 for the best-effort queues.
/// </remarks>
public static class TrafficClass
{
    /// <summary>Number of traffic classes per pipe.</summary>
    public const int Count = 13;

    /// <summary>Number of strict-priority classes (0..11).</summary>
    public const int StrictPriorityCount = 12;

    /// <summary>The best-effort class.</summary>
    public const int BestEffort = 12;

    /// <summary>Queues in the best-effort class.</summary>
    public const int BestEffortQueues = 4;

    /// <summary>Queues per pipe.</summary>
    public const int QueuesPerPipe = StrictPriorityCount + BestEffortQueues;

    /// <summary>Queue index within a pipe for class <paramref name="trafficClass"/> and best-effort queue <paramref name="queue"/>.</summary>
    public static int QueueIndex(int trafficClass, int queue) =>
        trafficClass < BestEffort ? trafficClass : BestEffort + queue;

    /// <summary>Traffic class of pipe queue <paramref name="queueIndex"/> (0..15).</summary>
    public static int OfQueue(int queueIndex) => queueIndex < BestEffort ? queueIndex : BestEffort;
}
