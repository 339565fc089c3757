using Qos.TrafficManager.Packets;

namespace Qos.Perf.LineRate;

/// <summary>What the line-rate harness offers the scheduler: synthetic packets or a looped capture.</summary>
public interface IPacketSource
{
    /// <summary>How the packets are spread, for the report (<c>uniform</c>, <c>heavy</c>, <c>capture</c>).</summary>
    string Mix { get; }

    /// <summary>Pipes in the port, for the report.</summary>
    int PipeCount { get; }

    /// <summary>A new packet whose handle is its arrival time (bytes of line time), for latency.</summary>
    Packet Next(long now);
}
