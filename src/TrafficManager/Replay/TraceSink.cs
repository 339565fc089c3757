using System.Threading.Tasks;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Replay;

/// <summary>Departures as CSV rows (<see cref="TraceWriter"/>).</summary>
internal sealed class TraceSink : ReplaySink
{
    private readonly TraceWriter _writer;

    public TraceSink(TraceWriter writer) => _writer = writer;

    public override ValueTask DepartAsync(long departNanoseconds, Packet packet)
    {
        _writer.Write(departNanoseconds, packet.Length, packet.Subport, packet.Pipe, packet.TrafficClass, packet.BestEffortQueue);
        return ValueTask.CompletedTask;
    }

    public override ValueTask CompleteAsync()
    {
        _writer.Flush();
        return ValueTask.CompletedTask;
    }
}
