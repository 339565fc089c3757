using System;
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
/// Exclusivity: a worker marks each (stage, flow) it takes with its id and a generation, keeps the mark while it
/// enqueues the burst (flagged as releasing), and clears it afterwards only if nobody took over. Another worker may
/// take a flow only from nobody or from a worker inside that enqueue (where the device releases it); taking it from
/// a worker still processing is a violation. Credits: after the run, the loans must be exactly the credits the
/// ports hold plus one per event still in the device.
/// With preempted publishers, extra threads stand for producers preempted between reserving ring slots and
/// publishing them: each borrows credits, reserves slots on a worker's ring, waits a little (spin or yield) and
/// only then publishes events of a parallel queue of their own (queue index = stages), which workers release.
/// </summary>
internal sealed class PipelineHarness
{
    private readonly int _producers;
    private readonly int _workers;
    private readonly int _stages;
    private readonly int _flows;
    private readonly long _perProducer;
    private const long Releasing = 1L << 31;
    private const long HolderMask = 0xFFFF;

    private readonly long[] _holders;
    private readonly long[] _next;
    private readonly long[] _produced;
    private readonly int _preemptedPublishers;
    private long _consumed;
    private long _injected;
    private long _injectedConsumed;
    private long _producedTotal;
    private long _orderViolations;
    private long _exclusivityViolations;
    private long _creditViolations;
    private volatile bool _finished;
    private volatile bool _stopNow;
    private string? _firstViolation;

    public PipelineHarness(int producers, int workers, int stages, int flows, long perProducer, EventDeviceConfig? config = null, ScheduleType type = ScheduleType.Atomic,
        int preemptedPublishers = 0)
    {
        _preemptedPublishers = preemptedPublishers;
        _producers = producers;
        _workers = workers;
        _stages = stages;
        _flows = flows;
        _perProducer = perProducer;
        _holders = new long[stages * flows];
        _next = new long[stages * flows];
        _produced = new long[flows];
        var queues = new QueueConfig[stages + (preemptedPublishers > 0 ? 1 : 0)];
        Array.Fill(queues, new QueueConfig(type));
        if (preemptedPublishers > 0)
        {
            queues[stages] = new QueueConfig(ScheduleType.Parallel);
        }
        config ??= new EventDeviceConfig();
        Device = new EventDevice(config with { PortCount = producers + workers, Queues = queues });
        for (int w = 0; w < workers; w++)
        {
            for (int q = 0; q < queues.Length; q++)
            {
                Device.Link(producers + w, q);
            }
        }
    }

    public EventDevice Device { get; }

    /// <summary>Extra spin iterations per event on worker 0 (skews the load).</summary>
    public int SlowWorkerSpin { get; init; }

    public int Burst { get; init; } = 16;

    /// <summary>Producers wait (attending their ports) while more than this many events are in the device, so that
    /// credits never run out: an unsaturated pipeline, where refusals do not flush the producers' output.</summary>
    public long MaxOutstanding { get; init; } = long.MaxValue;

    public long Consumed => Interlocked.Read(ref _consumed);

    public long Produced => Interlocked.Read(ref _producedTotal);

    /// <summary>Events still in the device: produced and not consumed, the late publishers' included.</summary>
    public long InDevice => Produced - Consumed + Interlocked.Read(ref _injected) - Interlocked.Read(ref _injectedConsumed);

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

        for (int i = 0; i < _preemptedPublishers; i++)
        {
            int id = i;
            threads.Add(new Thread(() => PublishLate(id, token)) { IsBackground = true, Name = $"preempted publisher {id}" });
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
        CheckCreditConservation();
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
            if (Produced - Consumed + n > MaxOutstanding)
            {
                // Why: spin, not yield: preemption must be able to land anywhere, mid-publish included.
                port.Maintain();
                Thread.SpinWait(20);
                continue;
            }

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
        var marks = new long[Burst];
        long me = id + 1;
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
                if (stage == _stages)
                {
                    e.Operation = EventOperation.Release;
                    Interlocked.Increment(ref _injectedConsumed);
                    continue;
                }

                int index = (stage * _flows) + (int)e.FlowId;
                long mark = Take(index, me, stage, e.FlowId);
                if (mark != 0)
                {
                    held[heldCount] = index;
                    marks[heldCount++] = mark;
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

            // Why: the device releases the flows inside this enqueue; from here on another worker may take them.
            for (int i = 0; i < heldCount; i++)
            {
                Interlocked.CompareExchange(ref _holders[held[i]], marks[i] | Releasing, marks[i]);
            }

            // Forwards never wait for credits: the dequeue gave the port one per event.
            var spin = default(SpinWait);
            while (port.Enqueue(events.AsSpan(0, n)) != n)
            {
                spin.SpinOnce();
            }

            for (int i = 0; i < heldCount; i++)
            {
                // Only if nobody took over meanwhile (the generation tells).
                Interlocked.CompareExchange(ref _holders[held[i]], marks[i] & ~(HolderMask | Releasing), marks[i] | Releasing);
            }

            Interlocked.Add(ref _consumed, released);
        }
    }

    /// <summary>Marks (stage, flow) as held by worker <paramref name="me"/>; returns the new mark, or 0 when this
    /// worker already holds it (an earlier event of the same burst).</summary>
    private long Take(int index, long me, int stage, uint flow)
    {
        long current = Volatile.Read(ref _holders[index]);
        while (true)
        {
            long holder = current & HolderMask;
            if (holder == me && (current & Releasing) == 0)
            {
                return 0;
            }

            if (holder != 0 && (current & Releasing) == 0)
            {
                Violation(ref _exclusivityViolations, $"stage {stage} flow {flow}: worker {me} got it while worker {holder} was still processing it");
            }

            long mark = ((current >> 32) + 1) << 32 | me;
            long seen = Interlocked.CompareExchange(ref _holders[index], mark, current);
            if (seen == current)
            {
                return mark;
            }

            current = seen;
        }
    }

    /// <summary>With every thread stopped: credits on loan = credits the ports hold + one per event in the device.</summary>
    private void CheckCreditConservation()
    {
        long held = 0;
        foreach (EventPort port in Device.Ports)
        {
            held += port.CreditsHeld;
        }

        long inDevice = InDevice;
        if (Device.CreditsOnLoan != held + inDevice)
        {
            Violation(ref _creditViolations, $"credits on loan {Device.CreditsOnLoan} != {held} held by ports + {inDevice} events in the device");
        }
    }

    private void PublishLate(int id, CancellationToken token)
    {
        var random = new Random(id);
        var burst = new Event[4];
        EventPort[] ports = Device.Ports;
        while (!_finished && !_stopNow && !token.IsCancellationRequested)
        {
            int n = random.Next(1, burst.Length + 1);
            if (Interlocked.Read(ref _injected) - Interlocked.Read(ref _injectedConsumed) > 256 || !Device.Credits.TryBorrow(n, Device.Credits.MaxInflight))
            {
                Thread.Yield();
                continue;
            }

            Qos.EventCore.Rings.MpscRing<Event> ring = ports[_producers + random.Next(_workers)].InputRing;
            if (!ring.TryReserve(n, out long position))
            {
                Device.Credits.Return(n);
                continue;
            }

            if (random.Next(4) == 0)
            {
                Thread.Yield();
            }
            else
            {
                Thread.SpinWait(random.Next(50, 2000));
            }

            for (int i = 0; i < n; i++)
            {
                burst[i] = new Event((uint)random.Next(1024), (byte)_stages, EventOperation.New, 0) { ScheduleType = ScheduleType.Parallel };
            }

            ring.Publish(position, burst.AsSpan(0, n));
            Interlocked.Add(ref _injected, n);
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

    /// <summary>A chaos policy seeded with <paramref name="seed"/> (print it with a failure).</summary>
    public static IMigrationPolicy Chaos(int seed)
    {
        NUnit.Framework.TestContext.Out.WriteLine($"chaos migration policy seed {seed}");
        return new ChaosMigrationPolicy(seed);
    }
}
