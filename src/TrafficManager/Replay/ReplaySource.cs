using System.Threading.Tasks;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Replay;

/// <summary>Where a replay's arrivals come from: a CSV trace or a classified capture.</summary>
internal abstract class ReplaySource
{
    /// <summary>Reads the next arrival, already checked against the hierarchy; false at the end.</summary>
    /// <returns>
    /// The descriptor to enqueue and its arrival in bytes of line time from the start of the replay, rounded up so
    /// that nothing can be reported leaving before it arrived.
    /// </returns>
    public abstract ValueTask<(bool Read, Packet Packet, long Arrival)> NextAsync();
}
