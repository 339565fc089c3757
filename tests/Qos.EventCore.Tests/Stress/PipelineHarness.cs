using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Qos.EventCore.Migration;
using Qos.EventCore.Tests.Migration;

namespace Qos.EventCore.Tests.Stress;

/// <summary>
/// Producers send sequence-numbered events on many flows into queue 0; workers take each event through the
/// stages (queues 0 .. stages-1), checking at every stage that no flow is held by two workers at once and that
/// each flow's sequence numbers arrive in order, and release it after the last stage. Bounded by event counts.
/// Ports 0 .. producers-1 produce; the rest are workers linked to every stage.
/// </summary>
internal sealed class PipelineHarness
{
    private readonly int _producers;
    private readonly int _workers;
    private readonly int _stages;
    private readonly int _flows;
    private readonly long _perProducer;
    private readonly int[] _owners;
    private readonly long[] _next;
    private readonly long[] _produced;
    private long _consumed;
    private long _producedTotal;
    private long _orderViolations;
    private long _exclusivityViolations;
    private long _creditViolations;
    private volatile bool _finished;
    private volatile bool _stopNow;
    private string? _firstViolation;

    public PipelineHarness(int producers, int workers, int stages, int flows, long perProducer, EventDeviceConfig? config = null, ScheduleType type = ScheduleType.Atomic)
    {
        _producers = producers;
        _workers = workers;
        _stages = stages;
        _flows = flows;
        _perProducer = perProducer;
        _owners = new int[stages * flows];
        _next = new long[stages * flows];
        _produced = new long[flows];
        var queues = new QueueConfig[stages];
        Array.Fill(queues, new QueueConfig(type));
        config ??= new EventDeviceConfig();
        Device = new EventDevice(new EventDeviceConfig
        {
            PortCount = producers + workers,
            Queues = queues,
            MaxInflight = config.MaxInflight,
            NewEventThreshold = config.NewEventThreshold,
            CreditChunk = config.CreditChunk,
            OutputBufferSize = config.OutputBufferSize,
            OperationsPerBackgroundTask = config.OperationsPerBackgroundTask,
            LoadUpdateIntervalMicroseconds = config.LoadUpdateIntervalMicroseconds,
            MigrationIntervalMicroseconds = config.MigrationIntervalMicroseconds,
            MigrationEnabled = config.MigrationEnabled,
            MigrationPolicy = config.MigrationPolicy,
            MigrationHoldDownMicroseconds = config.MigrationHoldDownMicroseconds,
            MaxMovesPerInterval = config.MaxMovesPerInterval,
            LoadHalfLifeMicroseconds = config.LoadHalfLifeMicroseconds,
        });
        for (int w = 0; w < workers; w++)
        {
            for (int q = 0; q < stages; q++)
            {
                Device.Link(producers + w, q);
            }
        }
    }

    public EventDevice Device { get; }

    /// <summary>Extra spin iterations per event on worker 0 (skews the load).</summary>
    public int SlowWorkerSpin { get; init; }

    public int Burst { get; init; } = 16;

    public long Consumed => Interlocked.Read(ref _consumed);

    public long Produced => Interlocked.Read(ref _producedTotal);

    public long OrderViolations => Interlocked.Read(ref _orderViolations);

    public long ExclusivityViolations => Interlocked.Read(ref _exclusivityViolations);

    public long CreditViolations => Interlocked.Read(ref _creditViolations);

    public string FirstViolation => _firstViolation ?? "none";

    /// <summary>Next expected sequence number of <paramref name="flow"/> at the last stage = events consumed.</summary>
    public long ConsumedOf(int flow) => _next[((_stages - 1) * _flows) + flow];

    public long ProducedOf(int flow) => _produced[flow];

    /// <summary>
    /// Runs until every event is consumed, or (with <paramref name="stopAfter"/>) until that many are consumed,
    /// then stops the threads. Returns false if the token fired first (a deadlock or a livelock).
    /// </summary>
    public bool Run(CancellationToken token, long stopAfter = long.MaxValue)
    {
        Device.Start();
        var threads = new List<Thread>();
        for (int p = 0; p < _producers; p++)
        {
            int id = p;
            threads.Add(new Thread(() => Produce(id, token)) { IsBackground = true, Name = $"producer {id}" });
        }

        for (int w = 0; w < _workers; w++)
        {
            int id = w;
            threads.Add(new Thread(() => Work(id, token)) { IsBackground = true, Name = $"worker {id}" });
        }

        var sampler = new Thread(() => SampleCredits(token)) { IsBackground = true };
        foreach (Thread t in threads)
        {
            t.Start();
        }

        sampler.Start();
        long total = _producers * _perProducer;
        bool completed = false;
        while (!token.IsCancellationRequested)
        {
            long consumed = Consumed;
            if (consumed >= total || consumed >= stopAfter)
            {
                completed = true;
                break;
            }

            Thread.Sleep(1);
        }

        if (stopAfter != long.MaxValue)
        {
            _stopNow = true;
        }

        _finished = true;
        foreach (Thread t in threads)
        {
            t.Join();
        }

        sampler.Join();
        return completed;
    }

    private void Produce(int id, CancellationToken token)
    {
        EventPort port = Device.GetPort(id);
        var burst = new Event[Burst];
        var seq = new long[_flows];
        int flow = id;
        long sent = 0;
        var spin = default(SpinWait);
        while (sent < _perProducer && !_stopNow && !token.IsCancellationRequested)
        {
            int n = (int)Math.Min(Burst, _perProducer - sent);
            int f = flow;
            for (int i = 0; i < n; i++)
            {
                burst[i] = new Event((uint)f, 0, EventOperation.New, (ulong)seq[f]++);
                f += _producers;
                if (f >= _flows)
                {
                    f = id;
                }
            }

            if (port.Enqueue(burst.AsSpan(0, n)) == n)
            {
                flow = f;
                sent += n;
                Interlocked.Add(ref _producedTotal, n);
                spin = default;
            }
            else
            {
                // Refused: take the sequence numbers back.
                for (int i = 0; i < n; i++)
                {
                    seq[burst[i].FlowId]--;
                }

                spin.SpinOnce();
            }
        }

        for (int f = id; f < _flows; f += _producers)
        {
            _produced[f] = seq[f];
        }

        // Why: a port must stay attended, or migrations waiting for its confirmation stall.
        while (!_finished && !token.IsCancellationRequested)
        {
            port.Maintain();
            Thread.Sleep(0);
        }
    }

    private void Work(int id, CancellationToken token)
    {
        EventPort port = Device.GetPort(_producers + id);
        var events = new Event[Burst];
        var held = new int[Burst];
        int me = id + 1;
        while (!_finished && !token.IsCancellationRequested)
        {
            int n = port.Dequeue(events);
            if (n == 0)
            {
                continue;
            }

            int heldCount = 0;
            long released = 0;
            for (int i = 0; i < n; i++)
            {
                ref Event e = ref events[i];
                int stage = e.QueueId;
                int index = (stage * _flows) + (int)e.FlowId;
                if (Volatile.Read(ref _owners[index]) != me)
                {
                    int other = Interlocked.CompareExchange(ref _owners[index], me, 0);
                    if (other != 0)
                    {
                        Violation(ref _exclusivityViolations, $"stage {stage} flow {e.FlowId}: worker {me} got it while worker {other} held it");
                    }
                    else
                    {
                        held[heldCount++] = index;
                    }
                }

                long expected = _next[index];
                if ((long)e.Payload != expected)
                {
                    Violation(ref _orderViolations, $"stage {stage} flow {e.FlowId}: sequence {e.Payload} arrived when {expected} was due");
                }

                _next[index] = (long)e.Payload + 1;
                if (id == 0 && SlowWorkerSpin > 0)
                {
                    Thread.SpinWait(SlowWorkerSpin);
                }

                if (stage + 1 < _stages)
                {
                    e.QueueId = (byte)(stage + 1);
                    e.Operation = EventOperation.Forward;
                }
                else
                {
                    e.Operation = EventOperation.Release;
                    released++;
                }
            }

            for (int i = 0; i < heldCount; i++)
            {
                Volatile.Write(ref _owners[held[i]], 0);
            }

            // Forwards never wait for credits: the dequeue gave the port one per event.
            var spin = default(SpinWait);
            while (port.Enqueue(events.AsSpan(0, n)) != n)
            {
                spin.SpinOnce();
            }

            Interlocked.Add(ref _consumed, released);
        }
    }

    private void SampleCredits(CancellationToken token)
    {
        int max = Device.GetStats().MaxInflight;
        while (!_finished && !token.IsCancellationRequested)
        {
            long onLoan = Device.CreditsOnLoan;
            if (onLoan < 0 || onLoan > max)
            {
                Violation(ref _creditViolations, $"credits on loan {onLoan} outside [0, {max}]");
            }

            Thread.Sleep(0);
        }
    }

    private void Violation(ref long counter, string message)
    {
        if (Interlocked.Increment(ref counter) == 1)
        {
            Interlocked.CompareExchange(ref _firstViolation, message, null);
        }
    }

    public long TotalOf(Func<Stats.EventPortStats, long> selector)
    {
        long total = 0;
        foreach (Stats.EventPortStats s in Device.GetStats().Ports)
        {
            total += selector(s);
        }

        return total;
    }

    public static ConcurrentBag<Event> NewFlushBag() => [];

    public static IMigrationPolicy Chaos() => new ChaosMigrationPolicy();
}
