using System;
using System.Threading.Tasks;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Replay;

/// <summary>Where a replay's outcome goes: departures in transmit order, and the descriptors dropped on enqueue.</summary>
internal abstract class ReplaySink
{
    /// <summary>A packet's first bit went on the line at <paramref name="departNanoseconds"/> from the start of the replay.</summary>
    public abstract ValueTask DepartAsync(long departNanoseconds, Packet packet);

    /// <summary>The scheduler dropped these on enqueue (counted in its stats already).</summary>
    public virtual void Dropped(ReadOnlySpan<Packet> packets)
    {
    }

    /// <summary>Every departure has been reported.</summary>
    public abstract ValueTask CompleteAsync();
}
