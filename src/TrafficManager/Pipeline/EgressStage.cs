using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using Qos.EventCore;
using Qos.Shaping.Clock;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Stats;


namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// One egress port's thread: its single-link event queue → its <see cref="PortScheduler"/> → its TX queue. The loop
/// polls the event port (never a back-off inside the call), enqueues what came, returns completed frames to the
/// pool, and dequeues while the TX queue has room. It never sleeps while the scheduler holds packets; with nothing
/// queued and nothing arriving it spins, then yields. Counters are published for other threads about every
/// millisecond (the scheduler's own stats are owner-thread only).
/// </summary>
internal sealed class EgressStage : IDisposable
{

    private readonly int _index;
    private readonly FramePool _pool;
    private readonly PortScheduler _scheduler;
    private readonly ITxQueue _tx;
    private readonly IByteClock _clock;
    private readonly VirtualByteClock? _virtual;
    private readonly int _burst;
    private readonly int _overhead;
    private readonly int _maxFrameCost;
    private readonly Event[] _events;
    private readonly Packet[] _in;
    private readonly Packet[] _dropped;
    private readonly Packet[] _out;
    private readonly int[] _completed;
    private readonly uint[] _nextSequence;
    private readonly LatencyHistogram _latency = new();
    private readonly ConcurrentQueue<int> _stranded;
    private readonly long _publishTicks = Stopwatch.Frequency / 1000;
    private readonly double _nanosecondsPerTick = 1e9 / Stopwatch.Frequency;
    private long _received;
    private long _sentPackets;
    private long _sentBytes;
    private long _violations;
    private long _queueFull;
    private long _red;
    private long _pie;
    private long _queued;
    private long _portTime;
    private bool _empty = true;

    public EgressStage(int index, EgressPortOptions options, FramePool pool, int burst, int orderCheckFlows, ConcurrentQueue<int> stranded)
    {
        _stranded = stranded;
        _index = index;
        _pool = pool;
        _tx = options.Tx ?? throw new ArgumentException($"Ports[{index}].Tx is null", nameof(options));
        _clock = options.Clock ?? new StopwatchByteClock(options.Config.Rate);
        _virtual = _clock as VirtualByteClock;
        _scheduler = new PortScheduler(options.Config, _clock);
        _burst = burst;
        _overhead = options.Config.FrameOverhead;
        _maxFrameCost = options.Config.Mtu + options.Config.FrameOverhead;
        _events = new Event[burst];
        _in = new Packet[burst];
        _dropped = new Packet[burst];
        _out = new Packet[burst];
        _completed = new int[Math.Max(burst, 256)];
        _nextSequence = new uint[orderCheckFlows];
    }

    /// <summary>Events this stage took from the device in this run.</summary>
    public long ReceivedEvents => Volatile.Read(ref _received);

    /// <summary>Whether the scheduler and the TX queue held nothing at the last publication.</summary>
    public bool IsEmpty => Volatile.Read(ref _empty);

    public void Reset()
    {
        _received = _sentPackets = _sentBytes = _violations = 0;
        _queueFull = _red = _pie = _queued = 0;
        _portTime = _clock.Now();
        _latency.Clear();
        Array.Clear(_nextSequence);
        _empty = true;
    }

    /// <summary>Any thread: the counters as last written (the drop reasons and queue length as last published).</summary>
    public EgressPortStats Snapshot()
    {
        long packets = Volatile.Read(ref _sentPackets);
        long bytes = Volatile.Read(ref _sentBytes);
        return new EgressPortStats
        {
            Port = _index,
            SentPackets = packets,
            SentBytes = bytes,
            SentWireBytes = bytes + (packets * _overhead),
            Received = Volatile.Read(ref _received),
            QueueFull = Volatile.Read(ref _queueFull),
            Red = Volatile.Read(ref _red),
            Pie = Volatile.Read(ref _pie),
            Queued = Volatile.Read(ref _queued),
            OrderViolations = Volatile.Read(ref _violations),
            PortTime = Volatile.Read(ref _portTime),
        };
    }

    /// <summary>Adds this port's latencies to <paramref name="into"/> (racy while the stage runs: counts only grow).</summary>
    public void AddLatencyTo(LatencyHistogram into) => into.Add(_latency);

    public void Run(EventPort port, StopSignals signals)
    {
        _scheduler.TakeOwnership();
        ClearSchedulerStats();
        long nextPublish = Stopwatch.GetTimestamp() + _publishTicks;
        var idle = default(IdleWait);
        while (!signals.StopAll)
        {
            bool worked = Turn(port);
            long ticks = Stopwatch.GetTimestamp();
            if (ticks - nextPublish >= 0)
            {
                Publish();
                nextPublish = ticks + _publishTicks;
            }

            if (worked)
            {
                idle.Reset();
            }
            else if (_virtual is not null)
            {
                AdvanceVirtualTime(signals);
            }
            else
            {
                // Why: with packets queued (waiting for credit or TX room) the thread never sleeps, only yields.
                idle.Wait(maySleep: _scheduler.QueuedPackets == 0 && _tx.WireFree <= _clock.Now());
            }
        }

        Publish();
        _scheduler.ReleaseOwnership();
    }

    /// <summary>After the threads stopped: the scheduler's queued frames are flushed; the TX queue's frames complete.</summary>
    public long FlushAfterStop(Action<int>? flush)
    {
        _scheduler.TakeOwnership();
        long flushed = _scheduler.Flush(p =>
        {
            flush?.Invoke((int)p.Handle);
            _pool.Return((int)p.Handle);
        });
        int n;
        while ((n = _tx.Complete(_completed, long.MaxValue)) != 0)
        {
            _pool.Return(_completed.AsSpan(0, n));
        }

        Publish();
        _scheduler.ReleaseOwnership();
        return flushed;
    }

    public void Dispose() => _scheduler.Dispose();

    /// <summary>
    /// A turn that did nothing, in virtual time: the wire keeps draining, so with the TX queue full or the scheduler
    /// empty time jumps to when everything pushed has left; shaped packets that cannot leave yet let time pass one
    /// maximum frame at a time, but only once no more input can arrive (else the wait would outrun the input).
    /// </summary>
    private void AdvanceVirtualTime(StopSignals signals)
    {
        long now = _virtual!.Now();
        bool queued = _scheduler.QueuedPackets > 0;
        if ((!queued || _tx.Room(now) == 0) && _tx.WireFree > now)
        {
            _virtual.Set(_tx.WireFree);
        }
        else if (queued && signals.InputDrained)
        {
            _virtual.Set(now + _maxFrameCost);
        }
        else
        {
            Thread.Yield();
        }
    }

    private bool Turn(EventPort port)
    {
        long now = _clock.Now();
        bool worked = false;
        int done = _tx.Complete(_completed, now);
        if (done != 0)
        {
            _pool.Return(_completed.AsSpan(0, done));
            worked = true;
        }

        int n = port.Poll(_events);
        if (n != 0)
        {
            // Why: before the received count, so that Stop, once it sees these events out of the device, cannot read
            // a stale "empty" published before they came.
            Volatile.Write(ref _empty, false);
            Volatile.Write(ref _received, _received + n);
            int accepted;
            try
            {
                for (int i = 0; i < n; i++)
                {
                    int frame = (int)_events[i].Payload;
                    _in[i] = _pool.Metadata(frame).ToPacket((ulong)frame, _pool.GetLength(frame));
                }

                accepted = _scheduler.Enqueue(_in.AsSpan(0, n), _dropped);
            }
            catch
            {
                // Why: a burst with a bad path is refused whole; its frames are flushed at Stop.
                for (int i = 0; i < n; i++)
                {
                    _stranded.Enqueue((int)_events[i].Payload);
                }

                throw;
            }

            for (int i = 0; i < n - accepted; i++)
            {
                _pool.Return((int)_dropped[i].Handle);
            }

            worked = true;
        }

        int room = _tx.Room(now);
        while (room > 0)
        {
            int k = _scheduler.Dequeue(_out.AsSpan(0, Math.Min(room, _burst)));
            if (k == 0)
            {
                break;
            }

            try
            {
                _tx.Push(_out.AsSpan(0, k), now);
            }
            catch
            {
                for (int i = 0; i < k; i++)
                {
                    _stranded.Enqueue((int)_out[i].Handle);
                }

                throw;
            }

            // Why: after the push, as it is what counts as sent; the frames complete only on this thread.
            Sent(_out.AsSpan(0, k));
            room -= k;
            worked = true;
        }

        return worked;
    }

    private void Sent(ReadOnlySpan<Packet> packets)
    {
        long ticks = Stopwatch.GetTimestamp();
        long bytes = 0;
        for (int i = 0; i < packets.Length; i++)
        {
            ref FrameMetadata metadata = ref _pool.Metadata((int)packets[i].Handle);
            bytes += packets[i].Length;
            _latency.Record((long)((ticks - metadata.RxTimestamp) * _nanosecondsPerTick));
            if (metadata.SourceFlow - 1 < (uint)_nextSequence.Length)
            {
                ref uint next = ref _nextSequence[metadata.SourceFlow - 1];
                // Why: gaps are drops (counted elsewhere); a sequence below the next expected one is out of order.
                if (metadata.Sequence < next)
                {
                    Volatile.Write(ref _violations, _violations + 1);
                }
                else
                {
                    next = metadata.Sequence + 1;
                }
            }
        }

        Volatile.Write(ref _sentBytes, _sentBytes + bytes);
        Volatile.Write(ref _sentPackets, _sentPackets + packets.Length);
    }

    private void ClearSchedulerStats()
    {
        for (int s = 0; s < _scheduler.Config.Subports.Count; s++)
        {
            for (int tc = 0; tc < TrafficClass.Count; tc++)
            {
                if (_scheduler.Config.Subports[s].QueueSizes[tc] > 0)
                {
                    _scheduler.ReadClassStats(s, tc, clear: true);
                }
            }
        }
    }

    private void Publish()
    {
        long queueFull = 0, red = 0, pie = 0;
        for (int s = 0; s < _scheduler.Config.Subports.Count; s++)
        {
            for (int tc = 0; tc < TrafficClass.Count; tc++)
            {
                if (_scheduler.Config.Subports[s].QueueSizes[tc] > 0)
                {
                    DropCounters drops = _scheduler.ReadClassStats(s, tc).Dropped;
                    queueFull += drops[DropReason.QueueFull].Packets;
                    red += drops[DropReason.Red].Packets;
                    pie += drops[DropReason.Pie].Packets;
                }
            }
        }

        long now = _clock.Now();
        long queued = _scheduler.QueuedPackets;
        Volatile.Write(ref _queueFull, queueFull);
        Volatile.Write(ref _red, red);
        Volatile.Write(ref _pie, pie);
        Volatile.Write(ref _queued, queued);
        Volatile.Write(ref _portTime, now);
        Volatile.Write(ref _empty, queued == 0 && _tx.WireFree <= now);
    }
}
