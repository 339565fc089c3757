using System.Linq;
using System.Threading.Tasks;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Replay;

/// <summary>Arrivals from a CSV trace (<see cref="TraceReplay"/>); the handle of each packet is its line number.</summary>
internal sealed class TraceSource : ReplaySource
{
    private readonly TraceReader _reader;
    private readonly PortConfig _config;
    private readonly int[] _pipesPerSubport;

    public TraceSource(TraceReader reader, PortConfig config)
    {
        _reader = reader;
        _config = config;
        _pipesPerSubport = config.Subports.Select(s => s.PipeCount).ToArray();
    }

    public override ValueTask<(bool Read, Packet Packet, long Arrival)> NextAsync() =>
        ValueTask.FromResult(Next());

    private (bool, Packet, long) Next()
    {
        if (!_reader.Read(out var record))
        {
            return (false, default, 0);
        }

        long line = _reader.LineNumber;
        if (record.Subport >= _config.Subports.Count)
        {
            throw new TraceException(line, $"subport {record.Subport} is outside the hierarchy: the profile has {_config.Subports.Count} subport(s)");
        }

        int subport = (int)record.Subport;
        if (record.Pipe >= _pipesPerSubport[subport])
        {
            throw new TraceException(line, $"pipe {record.Pipe} is outside the hierarchy: subport {subport} has {_pipesPerSubport[subport]} pipes");
        }

        if (record.TrafficClass >= TrafficClass.Count)
        {
            throw new TraceException(line, $"tc {record.TrafficClass} is outside the hierarchy: classes are 0..{TrafficClass.Count - 1}");
        }

        int tc = (int)record.TrafficClass;
        long queues = tc == TrafficClass.BestEffort ? TrafficClass.BestEffortQueues : 1;
        if (record.Queue >= queues)
        {
            throw new TraceException(line, tc == TrafficClass.BestEffort
                ? $"queue {record.Queue} is outside the hierarchy: class 12 has queues 0..3"
                : $"queue {record.Queue} is outside the hierarchy: class {tc} has one queue, 0");
        }

        if (_config.Subports[subport].QueueSizes[tc] == 0)
        {
            throw new TraceException(line, $"tc {tc} is turned off in subport {subport} (queue size 0)");
        }

        if (record.Length < 1 || record.Length > _config.Mtu)
        {
            throw new TraceException(line, $"length {record.Length} must be 1..{_config.Mtu} (the MTU, without frame overhead)");
        }

        if (!ReplayEngine.TryArrivalBytes(record.TimeNanoseconds, _config.Rate, out long arrival))
        {
            throw new TraceException(line, $"time_ns {record.TimeNanoseconds} is too far out for a port of {_config.Rate} B/s");
        }

        var packet = Packet.Create((ulong)line, (int)record.Length, subport, (int)record.Pipe, tc, (int)record.Queue, record.Color);
        return (true, packet, arrival);
    }
}
