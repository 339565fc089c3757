using System;
using System.Collections.Generic;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;
using Qos.Shaping.Congestion;

namespace Qos.TrafficManager.Tests.Conformance;

/// <summary>
/// A port scheduler on a virtual clock with an exact line: every packet handed out occupies the line for
/// length + overhead bytes of time, and time jumps to the end of it. Sources keep chosen queues backlogged by
/// replacing every packet that leaves with a new one. Counts everything, so conservation can be checked.
/// </summary>
internal sealed class Line : IDisposable
{
    private readonly Packet[] _buffer = new Packet[64];
    private readonly Dictionary<(int Subport, int Pipe, int Queue), Func<int>> _backlogged = new();
    private readonly Dictionary<(int Subport, int Pipe, int Queue), long> _sentCost = new();
    private readonly Dictionary<(int Subport, int Pipe, int Queue), long> _sentPackets = new();
    private readonly List<Source> _sources = new();
    private ulong _handle;

    public Line(PortConfig config, long start = 1_000_000, long idleStep = 200)
    {
        IdleStep = idleStep;
        Clock = new VirtualByteClock(config.Rate, start);
        Scheduler = new PortScheduler(config, Clock);
        Overhead = config.FrameOverhead;
    }

    public VirtualByteClock Clock { get; }

    public PortScheduler Scheduler { get; }

    public int Overhead { get; }

    /// <summary>How far time moves when nothing is eligible: the resolution of idle gaps.</summary>
    public long IdleStep { get; }

    public long Offered { get; private set; }

    public long Sent { get; private set; }

    /// <summary>Packets sent per colour (green, yellow, red).</summary>
    public long[] SentByColor { get; } = new long[3];

    /// <summary>Line time spent idle while some packet was queued.</summary>
    public long IdleWhileQueued { get; private set; }

    /// <summary>Every packet in departure order, when recording.</summary>
    public List<Packet>? Departures { get; set; }

    public int Offer(int subport, int pipe, int tc, int queue = 0, int length = 1000, PacketColor color = PacketColor.Green, int count = 1)
    {
        int accepted = 0;
        for (int i = 0; i < count; i++)
        {
            Offered++;
            var packet = Packet.Create(_handle++, length, subport, pipe, tc, queue, color);
            accepted += Scheduler.Enqueue([packet]);
        }

        return accepted;
    }

    /// <summary>Keeps a queue backlogged: it starts with <paramref name="depth"/> packets and each departure is replaced.</summary>
    public void Backlog(int subport, int pipe, int tc, int queue = 0, int depth = 16, Func<int>? length = null)
    {
        length ??= () => 1000;
        _backlogged[(subport, pipe, TrafficClass.QueueIndex(tc, queue))] = length;
        for (int i = 0; i < depth; i++)
        {
            Offer(subport, pipe, tc, queue, length());
        }
    }

    /// <summary>Offers a packet every <paramref name="interval"/> bytes of line time from now on.</summary>
    public void Periodic(int subport, int pipe, int tc, int queue, int length, long interval, Func<PacketColor>? color = null) =>
        _sources.Add(new Source(subport, pipe, tc, queue, length, interval, color ?? (() => PacketColor.Green)) { Next = Clock.Now() });

    public void StopSources() => _sources.Clear();

    public void StopBacklog(int subport, int pipe, int tc, int queue = 0) =>
        _backlogged.Remove((subport, pipe, TrafficClass.QueueIndex(tc, queue)));

    /// <summary>Runs the line for <paramref name="duration"/> bytes of line time.</summary>
    public void Run(long duration, int burst = 1)
    {
        long end = Clock.Now() + duration;
        while (Clock.Now() < end)
        {
            foreach (var source in _sources)
            {
                for (; source.Next <= Clock.Now(); source.Next += source.Interval)
                {
                    Offer(source.Subport, source.Pipe, source.Tc, source.Queue, source.Length, source.Color());
                }
            }

            int n = Scheduler.Dequeue(_buffer.AsSpan(0, burst));
            for (int i = 0; i < n; i++)
            {
                var p = _buffer[i];
                var key = (p.Subport, p.Pipe, p.QueueIndex);
                _sentCost[key] = _sentCost.GetValueOrDefault(key) + p.Length + Overhead;
                _sentPackets[key] = _sentPackets.GetValueOrDefault(key) + 1;
                Sent++;
                SentByColor[(int)p.Color]++;
                Departures?.Add(p);
                if (_backlogged.TryGetValue(key, out var length))
                {
                    Offer(p.Subport, p.Pipe, p.TrafficClass, p.BestEffortQueue, length());
                }
            }

            if (n > 0)
            {
                Clock.Set(Math.Max(Clock.Now(), Scheduler.PortTime));
            }
            else
            {
                // Nothing eligible: the line idles in small steps.
                if (Scheduler.QueuedPackets > 0)
                {
                    IdleWhileQueued += IdleStep;
                }

                Clock.Advance(IdleStep);
            }
        }
    }

    /// <summary>Line bytes (length + overhead) sent from a queue so far.</summary>
    public long SentCost(int subport, int pipe, int tc, int queue = 0) =>
        _sentCost.GetValueOrDefault((subport, pipe, TrafficClass.QueueIndex(tc, queue)));

    public long SentCostOfPipe(int subport, int pipe)
    {
        long sum = 0;
        for (int q = 0; q < TrafficClass.QueuesPerPipe; q++)
        {
            sum += _sentCost.GetValueOrDefault((subport, pipe, q));
        }

        return sum;
    }

    public long SentPackets(int subport, int pipe, int tc, int queue = 0) =>
        _sentPackets.GetValueOrDefault((subport, pipe, TrafficClass.QueueIndex(tc, queue)));

    /// <summary>Offered = sent + dropped + queued, by the scheduler's own counters and by ours.</summary>
    public void AssertConservation()
    {
        long dropped = 0, sentByStats = 0;
        for (int s = 0; s < Scheduler.Config.Subports.Count; s++)
        {
            for (int tc = 0; tc < TrafficClass.Count; tc++)
            {
                var stats = Scheduler.ReadClassStats(s, tc);
                dropped += stats.Dropped.Total.Packets;
                sentByStats += stats.Sent.Packets;
            }
        }

        Assert.That(Scheduler.FindBrokenInvariant(), Is.Null, "the scheduler's bitmap, queues and counts agree");
        Assert.That(sentByStats, Is.EqualTo(Sent), "the scheduler's sent counters match the packets that left");
        Assert.That(Offered, Is.EqualTo(Sent + dropped + Scheduler.QueuedPackets),
            $"conservation: offered {Offered} = sent {Sent} + dropped {dropped} + queued {Scheduler.QueuedPackets}");
    }

    public void Dispose() => Scheduler.Dispose();

    private sealed record Source(int Subport, int Pipe, int Tc, int Queue, int Length, long Interval, Func<PacketColor> Color)
    {
        public long Next { get; set; }
    }
}
