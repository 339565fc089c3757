namespace Qos.TrafficManager.Scheduling;

/// <summary>
/// Per-queue counters kept on the enqueue side only. Why: what a queue has sent is what it accepted minus
/// what it still holds, so dequeue need not touch one more cache line per packet to count it.
/// </summary>
internal struct QueueCounters
{
    public long AcceptedPackets;
    public long AcceptedBytes;

    /// <summary>Sent packets and bytes at the last read-and-clear (sent = accepted − queued − baseline).</summary>
    public long SentBaselinePackets;
    public long SentBaselineBytes;
}
