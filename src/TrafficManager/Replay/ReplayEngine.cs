using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Qos.Shaping.Clock;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Stats;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// Replays arrivals (a CSV trace or a classified capture) through a <see cref="PortScheduler"/> on a virtual line.
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
    private readonly long[] _offeredPackets;
    private readonly long[] _offeredBytes;
    private readonly Packet[] _batch = new Packet[Burst];
    private readonly Packet[] _dropped = new Packet[Burst];

    private ReplayEngine(PortConfig config)
    {
        _config = config;
        _offeredPackets = new long[config.Subports.Count * TrafficClass.Count];
        _offeredBytes = new long[_offeredPackets.Length];
    }

    /// <summary>Replays a CSV trace; the trace source and sink never wait, so this completes synchronously.</summary>
    public static ReplaySummary Run(PortConfig profile, Stream trace, Stream departures, ReplayOptions options)
    {
        var config = LineConfig(profile);
        var run = RunAsync(config, new TraceSource(new TraceReader(trace), config), new TraceSink(new TraceWriter(departures)), options);
        Debug.Assert(run.IsCompleted, "a CSV replay does not wait");
        return run.GetAwaiter().GetResult();
    }

    /// <summary>Replays <paramref name="source"/> into <paramref name="sink"/> under <paramref name="config"/> (see <see cref="LineConfig"/>).</summary>
    public static ValueTask<ReplaySummary> RunAsync(PortConfig config, ReplaySource source, ReplaySink sink, ReplayOptions options) =>
        new ReplayEngine(config).RunAsync(source, sink, options);

    /// <summary>The profile as the replay's line runs it: a transmit lead of one byte, since the line pulls one packet at a time whatever lead the profile gives a real port.</summary>
    public static PortConfig LineConfig(PortConfig profile) => profile with { TxLead = 1 };

    /// <summary>An arrival time in line bytes, rounded up; false when it is too far out to represent.</summary>
    public static bool TryArrivalBytes(long nanoseconds, long rate, out long bytes)
    {
        var b = (((Int128)nanoseconds * rate) + 999_999_999) / 1_000_000_000;
        bool fits = b <= long.MaxValue / 2;
        bytes = fits ? (long)b : 0;
        return fits;
    }

    private async ValueTask<ReplaySummary> RunAsync(ReplaySource source, ReplaySink sink, ReplayOptions options)
    {
        long rate = _config.Rate;
        int overhead = _config.FrameOverhead;
        long idleStep = Math.Max(1, LineTime.FromNanoseconds(options.IdleStepNanoseconds, rate));
        var clock = new VirtualByteClock(rate);
        using var scheduler = new PortScheduler(_config, clock);
        var one = new Packet[1];

        var (pending, packet, arrival) = await source.NextAsync().ConfigureAwait(false);
        while (true)
        {
            long now = clock.Now();
            int batched = 0;
            while (pending && arrival <= now)
            {
                _batch[batched++] = packet;
                int offered = (packet.Subport * TrafficClass.Count) + packet.TrafficClass;
                _offeredPackets[offered]++;
                _offeredBytes[offered] += packet.Length;
                if (batched == Burst)
                {
                    Enqueue(scheduler, sink, batched);
                    batched = 0;
                }

                (pending, packet, arrival) = await source.NextAsync().ConfigureAwait(false);
            }

            if (batched > 0)
            {
                Enqueue(scheduler, sink, batched);
            }

            long next;
            if (scheduler.PortTime <= now)
            {
                if (scheduler.Dequeue(one) == 1)
                {
                    var p = one[0];
                    long depart = scheduler.PortTime - p.Length - overhead;
                    await sink.DepartAsync(LineTime.ToNanoseconds(depart, rate), p).ConfigureAwait(false);
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

        await sink.CompleteAsync().ConfigureAwait(false);
        long end = Math.Max(clock.Now(), scheduler.PortTime);
        return Summarize(scheduler, LineTime.ToNanoseconds(end, rate));
    }

    private void Enqueue(PortScheduler scheduler, ReplaySink sink, int count)
    {
        int accepted = scheduler.Enqueue(_batch.AsSpan(0, count), _dropped);
        if (accepted < count)
        {
            sink.Dropped(_dropped.AsSpan(0, count - accepted));
        }
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
