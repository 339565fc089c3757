using Qos.Shaping.Congestion;

namespace Qos.TrafficManager.Replay;

/// <summary>One row of an input trace, as parsed; ranges against the hierarchy are checked by the replay.</summary>
internal struct TraceRecord
{
    public long TimeNanoseconds;
    public long Length;
    public long Subport;
    public long Pipe;
    public long TrafficClass;
    public long Queue;
    public PacketColor Color;
}
