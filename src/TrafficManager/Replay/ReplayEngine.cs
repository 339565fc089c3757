using System;
using System.Diagnostics;
using System.IO;
using Qos.Shaping.Clock;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Stats;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// Replays a trace through a <see cref="PortScheduler"/> on a virtual line.
/// </summary>
/// <remarks>
/// <para>Time is the port's line time in bytes, from 0. An arrival at <c>t</c> ns enters at byte
/// <c>ceil(t × rate / 10^9)</c>, so no packet can be reported leaving before it arrived; departures are reported
/// as <c>floor(bytes × 10^9 / rate)</c> ns.</para>
/// <para>The scheduler runs with a transmit lead of one byte (<see cref="PortConfig.TxLead"/> = 1): it hands out a
/// packet only when the line is free, which is when a NIC would pull one. The packet's first bit leaves at the port
/// time before it was handed out and the line is busy for <c>length + overhead</c> bytes. The loop is an event loop
/// on two kinds of event, in time order: arrivals (enqueued at their own time, all arrivals of one instant before
/// the scheduler is asked) and the line becoming free. When the line is free and packets wait but none is eligible
/// (credits exhausted), time moves by <see cref="ReplayOptions.IdleStepNanoseconds"/> or to the next arrival,
/// whichever is sooner; when nothing waits, straight to the next arrival. Everything is integer arithmetic on one
/// thread, and RED/PIE draw from the scheduler's fixed-seed generator, so a replay is exactly repeatable.</para>
/// </remarks>
internal sealed class ReplayEngine
{
    private const int Burst = 64;

    private readonly PortConfig _config;
    private readonly int[] _pipesPerSubport;
    private readonly long[] _offeredPackets;
    private readonly long[] _offeredBytes;
    private readonly Packet[] _batch = new Packet[Burst];

    private ReplayEngine(PortConfig config)
    {
        _config = config;
        _pipesPerSubport = new int[config.Subports.Count];
        for (int s = 0; s < _pipesPerSubport.Length; s++)
        {
            foreach (var group in config.Subports[s].Pipes)
            {
                _pipesPerSubport[s] += group.Count;
            }
        }

        _offeredPackets = new long[config.Subports.Count * TrafficClass.Count];
        _offeredBytes = new long[_offeredPackets.Length];
    }

    public static ReplaySummary Run(PortConfig profile, Stream trace, Stream departures, ReplayOptions options)
    {
        // Why a copy: the replay's line pulls one packet at a time, whatever lead the profile gives a real port.
        var config = profile with { TxLead = 1 };
        return new ReplayEngine(config).Run(new TraceReader(trace), new TraceWriter(departures), options);
    }

    private ReplaySummary Run(TraceReader reader, TraceWriter writer, ReplayOptions options)
    {
        long rate = _config.Rate;
        int overhead = _config.FrameOverhead;
        long idleStep = Math.Max(1, LineTime.FromNanoseconds(options.IdleStepNanoseconds, rate));
        var clock = new VirtualByteClock(rate);
        using var scheduler = new PortScheduler(_config, clock);
        Span<Packet> one = stackalloc Packet[1];

        bool pending = Next(reader, out var record, out long arrival);
        while (true)
        {
            long now = clock.Now();
            int batched = 0;
            while (pending && arrival <= now)
            {
                _batch[batched++] = Packet.Create((ulong)reader.LineNumber, (int)record.Length, (int)record.Subport, (int)record.Pipe,
                    (int)record.TrafficClass, (int)record.Queue, record.Color);
                int offered = ((int)record.Subport * TrafficClass.Count) + (int)record.TrafficClass;
                _offeredPackets[offered]++;
                _offeredBytes[offered] += record.Length;
                if (batched == Burst)
                {
                    scheduler.Enqueue(_batch);
                    batched = 0;
                }

                pending = Next(reader, out record, out arrival);
            }

            if (batched > 0)
            {
                scheduler.Enqueue(_batch.AsSpan(0, batched));
            }

            long next;
            if (scheduler.PortTime <= now)
            {
                if (scheduler.Dequeue(one) == 1)
                {
                    var p = one[0];
                    long depart = scheduler.PortTime - p.Length - overhead;
                    writer.Write(LineTime.ToNanoseconds(depart, rate), p.Length, p.Subport, p.Pipe, p.TrafficClass, p.BestEffortQueue);
                    continue;
                }

                if (scheduler.QueuedPackets == 0)
                {
                    if (!pending)
                    {
                        break;
                    }

                    next = arrival;
                }
                else
                {
                    next = pending ? Math.Min(now + idleStep, arrival) : now + idleStep;
                }
            }
            else
            {
                next = pending ? Math.Min(scheduler.PortTime, arrival) : scheduler.PortTime;
            }

            clock.Set(next);
        }

        writer.Flush();
        long end = Math.Max(clock.Now(), scheduler.PortTime);
        return Summarize(scheduler, LineTime.ToNanoseconds(end, rate));
    }

    /// <summary>Reads the next row, checks it against the hierarchy and converts its time to line bytes (rounded up).</summary>
    private bool Next(TraceReader reader, out TraceRecord record, out long arrival)
    {
        arrival = 0;
        if (!reader.Read(out record))
        {
            return false;
        }

        long line = reader.LineNumber;
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

        var bytes = (((Int128)record.TimeNanoseconds * _config.Rate) + 999_999_999) / 1_000_000_000;
        if (bytes > long.MaxValue / 2)
        {
            throw new TraceException(line, $"time_ns {record.TimeNanoseconds} is too far out for a port of {_config.Rate} B/s");
        }

        arrival = (long)bytes;
        return true;
    }

    private ReplaySummary Summarize(PortScheduler scheduler, long durationNanoseconds)
    {
        var subports = new SubportReplaySummary[_config.Subports.Count];
        for (int s = 0; s < subports.Length; s++)
        {
            var classes = new ReplayCounters[TrafficClass.Count];
            for (int tc = 0; tc < classes.Length; tc++)
            {
                var stats = scheduler.ReadClassStats(s, tc);
                int i = (s * TrafficClass.Count) + tc;
                classes[tc] = new ReplayCounters(new TrafficCounters(_offeredPackets[i], _offeredBytes[i]), stats.Sent, stats.Dropped);
                Debug.Assert(_offeredPackets[i] == stats.Sent.Packets + stats.Dropped.Total.Packets, "conservation: offered = sent + dropped once the queues are empty");
            }

            subports[s] = new SubportReplaySummary(s, classes);
        }

        return new ReplaySummary(durationNanoseconds, subports);
    }
}
