using System.Runtime.CompilerServices;

namespace Qos.TrafficManager.Stats;

/// <summary>Mutable sent and drop counters of one class or queue (3 drop reasons).</summary>
internal struct ClassCounters
{
    public long SentPackets;
    public long SentBytes;
    public DropArray DroppedPackets;
    public DropArray DroppedBytes;

    public readonly DropCounters Drops => new(
        new TrafficCounters(DroppedPackets[0], DroppedBytes[0]),
        new TrafficCounters(DroppedPackets[1], DroppedBytes[1]),
        new TrafficCounters(DroppedPackets[2], DroppedBytes[2]));

    public void Drop(DropReason reason, int bytes)
    {
        DroppedPackets[(int)reason]++;
        DroppedBytes[(int)reason] += bytes;
    }

    [InlineArray(3)]
    public struct DropArray
    {
        private long _element0;
    }
}
