using System;
using System.Diagnostics;
using System.IO;
using Qos.Shaping.Clock;
using Qos.TrafficManager;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Packets;

namespace Qos.Perf.LineRate;

/// <summary>
/// One real-time run: source → port scheduler → NIC ring (<see cref="NicTxQueue"/>), all on the calling thread, or
/// with the source on a thread of its own feeding the scheduler through a ring (<see cref="RxStage"/>).
/// </summary>
public sealed class LineRateRun : IDisposable
{
    private const int Burst = 64;
    private const int MaxMadePerTurn = 16 * Burst;
    private readonly PortConfig _config;
    private readonly StopwatchByteClock _clock;
    private readonly PortScheduler _scheduler;
    private readonly LoadPacer _pacer;
    private readonly int _ring;
    private readonly int _wake;
    private readonly Packet[] _in = new Packet[Burst];
    private readonly Packet[] _out = new Packet[Burst];
    private readonly RxStage? _rx;

    /// <param name="config">The port, its transmit lead set for the NIC ring.</param>
    /// <param name="source">What is offered.</param>
    /// <param name="framesName">The frames, for the report.</param>
    /// <param name="load">Offered share of the line rate.</param>
    /// <param name="ring">NIC ring size.</param>
    /// <param name="wake">NIC ring occupancy below which the scheduler refills it.</param>
    /// <param name="rxRing">0: the source runs on the scheduler's thread; else the size of the ring from an RX thread.</param>
    public LineRateRun(PortConfig config, IPacketSource source, string framesName, double load, int ring, int wake, int rxRing = 0)
    {
        _config = config;
        _clock = new StopwatchByteClock(config.Rate);
        _scheduler = new PortScheduler(config, _clock);
        _pacer = new LoadPacer(source, load, config.FrameOverhead);
        _ring = ring;
        _wake = wake;
        if (rxRing > 0)
        {
            _rx = new RxStage(source, config.Rate, config.FrameOverhead, load, rxRing);
        }

        Report = new LineRateReport(config, rxRing > 0 ? $"{framesName}, RX on its own thread" : framesName, source.Mix, load, source.PipeCount);
    }

    public LineRateReport Report { get; }

    /// <summary>Runs <paramref name="warmup"/> seconds unreported (JIT, queues filling), then <paramref name="seconds"/> reported.</summary>
    public void Execute(double warmup, double seconds, Func<bool> cancelled, TextWriter? progress)
    {
        var r = Report;
        int overhead = _config.FrameOverhead;
        double nanosecondsPerByte = 1e9 / _config.Rate;
        long origin = _clock.Now();
        long start = origin + (long)(warmup * _config.Rate);
        long end = start + (long)(seconds * _config.Rate);
        long nextProgress = start + _config.Rate;
        bool reporting = warmup <= 0;
        long idleBefore = 0, idleWhileBackloggedBefore = 0;
        var nic = new NicTxQueue(_ring, overhead, start: origin);
        _pacer.Start(origin);
        _rx?.Start();
        start = reporting ? start : origin;
        long idleTicks = 0, allocatedByProgress = 0;
        long startTicks = Stopwatch.GetTimestamp();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long now = start;
        var lastSecond = r.Take(0);
        while (now < end && !cancelled())
        {
            long turnStart = Stopwatch.GetTimestamp();
            bool worked = false;
            now = _clock.Now();

            if (!reporting && now >= origin + (long)(warmup * _config.Rate))
            {
                // Warm-up over: the report starts here.
                reporting = true;
                start = now;
                end = start + (long)(seconds * _config.Rate);
                nextProgress = start + _config.Rate;
                r.Reset();
                lastSecond = r.Take(0);
                var wire = nic.Stats;
                idleBefore = wire.IdleTime;
                idleWhileBackloggedBefore = wire.IdleWhileBacklogged;
                startTicks = Stopwatch.GetTimestamp();
                idleTicks = 0;
                allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                allocatedByProgress = 0;
            }

            // The source: catch up with load × elapsed line time, or take what the RX thread has received; a few
            // bursts at most per turn.
            int made = 0, k;
            while (made < MaxMadePerTurn && (k = _rx is null ? _pacer.Fill(_in, now) : _rx.Ring.Dequeue(_in)) > 0)
            {
                for (int i = 0; i < k; i++)
                {
                    r.OfferedPackets++;
                    r.OfferedBytes += _in[i].Length;
                }

                _scheduler.Enqueue(_in.AsSpan(0, k));
                made += k;
            }

            worked |= made > 0;

            // The NIC: below the wake threshold the scheduler refills the ring. Its handles are arrival times, not
            // frames, so the sent ones are let go unread.
            nic.Complete(now);
            int room = nic.Room(now);
            if (nic.Capacity - room < _wake)
            {
                while (room > 0)
                {
                    int n = _scheduler.Dequeue(_out.AsSpan(0, Math.Min(room, Burst)));
                    if (n == 0)
                    {
                        break;
                    }

                    worked = true;
                    room -= n;
                    for (int i = 0; i < n; i++)
                    {
                        ref readonly Packet p = ref _out[i];
                        long startTime = nic.Push(p, now);
                        r.Sent(p.TrafficClass, p.Length, overhead, (long)((startTime - (long)p.Handle) * nanosecondsPerByte));
                    }
                }

                // Why: a gap on the wire before the next refill counts against the scheduler only if it left packets
                // behind at this refill; packets that arrive later could not have been sent earlier.
                nic.Backlogged = _scheduler.QueuedPackets > 0;
            }

            if (!worked)
            {
                idleTicks += Stopwatch.GetTimestamp() - turnStart;
            }

            if (reporting && now >= nextProgress)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                var snapshot = r.Take(nic.Stats.IdleWhileBacklogged - idleWhileBackloggedBefore);
                double secondLength = (now - nextProgress + _config.Rate) / (double)_config.Rate;
                progress?.WriteLine(r.ProgressLine((now - start) / (double)_config.Rate, lastSecond, snapshot, secondLength));
                r.RecordSecond((now - start) / (double)_config.Rate, secondLength);
                lastSecond = snapshot;
                nextProgress += _config.Rate;
                allocatedByProgress += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        _rx?.Stop();
        long totalTicks = Stopwatch.GetTimestamp() - startTicks;
        var stats = nic.Stats;
        r.Finish(
            elapsedLine: now - start,
            idleWire: stats.IdleTime - idleBefore,
            idleWhileBacklogged: stats.IdleWhileBacklogged - idleWhileBackloggedBefore,
            headroom: totalTicks > 0 ? (double)idleTicks / totalTicks : 0,
            allocatedBytes: GC.GetAllocatedBytesForCurrentThread() - allocatedBefore - allocatedByProgress,
            scheduler: _scheduler);
    }

    public void Dispose()
    {
        _rx?.Dispose();
        _scheduler.Dispose();
    }
}
