using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Qos.EventCore;
using Qos.TrafficManager.Stats;

namespace Qos.TrafficManager.Pipeline;

/// <summary>Builds pipelines.</summary>
public static class PacketPipeline
{
    /// <summary>A pipeline whose workers forward every frame unchanged.</summary>
    public static PacketPipeline<NoWork> Create(PipelineOptions options) => new(options, default);

    /// <summary>A pipeline whose workers run <paramref name="work"/> (each worker thread on its own copy).</summary>
    public static PacketPipeline<TWork> Create<TWork>(PipelineOptions options, TWork work)
        where TWork : struct, IPacketWork => new(options, work);
}

/// <summary>
/// The egress pipeline: an RX thread takes frames from a source into a frame pool, classifies them (path and flow
/// id) and sends each as an event on an atomic queue; worker threads (the event device's ports, flows balanced
/// by its migration policy) run the application's work in per-flow order; each egress port's thread takes its
/// single-link queue without ever sleeping while it has work, enqueues into the port's <see cref="PortScheduler"/>,
/// dequeues when the TX queue has room and pushes there; completed frames go back to the pool.
/// </summary>
/// <remarks>
/// <para>Threads: RX (device port 0), the workers (ports 1..W), one per egress port (ports W+1..). An event carries
/// the frame's pool index; the frame's metadata (path, flow, egress port, RX time) travels in the pool. Nothing is
/// allocated per frame.</para>
/// <para>Life cycle: construct, <see cref="Start"/>, <see cref="Stop"/> (drains, then flushes what is left: every
/// frame that entered is then exactly once sent, dropped and counted by reason, or flushed), <see cref="Start"/>
/// again or <see cref="Dispose"/>. Counters start from zero at each start. An exception in any stage stops the
/// pipeline: <see cref="Completion"/> faults with it and <see cref="Stop"/> rethrows it after cleaning up.</para>
/// </remarks>
public sealed partial class PacketPipeline<TWork> : IDisposable
    where TWork : struct, IPacketWork
{
    /// <summary>How long Stop waits for the event device to empty before it flushes what is left.</summary>
    private static readonly TimeSpan DeviceDrainLimit = TimeSpan.FromSeconds(2);

    private readonly PipelineOptions _options;
    private readonly TWork _work;
    private readonly FramePool _pool;
    private readonly EventDevice _device;
    private readonly EgressStage[] _egress;
    private readonly WorkerCounters[] _workerCounters;
    private readonly int _workers;
    private readonly List<Thread> _threads = [];
    private readonly ConcurrentQueue<int> _stranded = new();
    private RxCounters _rx = new();
    private TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _fault;
    private long _rxClockNanoseconds;
    private readonly StopSignals _signals = new();
    private bool _running;
    private bool _disposed;

    internal PacketPipeline(PipelineOptions options, TWork work)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _work = work;
        _workers = options.Workers;
        int ports = options.Ports.Count;
        var queues = new QueueConfig[1 + ports];
        queues[0] = new QueueConfig(ScheduleType.Atomic);
        for (int p = 0; p < ports; p++)
        {
            queues[1 + p] = new QueueConfig(ScheduleType.SingleLink);
        }

        _pool = new FramePool(options.PoolFrames, options.FrameSize);
        try
        {
            if (options.Source is ApplicationFrameSource application)
            {
                int mtu = 0;
                foreach (EgressPortOptions port in options.Ports)
                {
                    mtu = Math.Max(mtu, port.Config.Mtu);
                }

                application.Attach(_pool, mtu);
            }

            _device = new EventDevice(options.Device with { PortCount = 1 + _workers + ports, Queues = queues });
            for (int w = 0; w < _workers; w++)
            {
                _device.Link(1 + w, 0);
            }

            if (_workers == 0)
            {
                // Why: the atomic queue must have a port to start; with no workers nothing is ever sent to it.
                _device.Link(0, 0);
            }

            _egress = new EgressStage[ports];
            for (int p = 0; p < ports; p++)
            {
                _device.Link(1 + _workers + p, 1 + p);
                _egress[p] = new EgressStage(p, options.Ports[p], _pool, options.Burst, options.OrderCheckFlows, _stranded);
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        _workerCounters = new WorkerCounters[_workers];
        for (int w = 0; w < _workers; w++)
        {
            _workerCounters[w] = new WorkerCounters();
        }
    }

    /// <summary>The frames every stage uses; an application source rents from it.</summary>
    public FramePool Pool => _pool;

    /// <summary>Whether the pipeline runs.</summary>
    public bool IsRunning => _running;

    /// <summary>Completes when the pipeline has stopped; faults with the first exception any stage threw.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Starts every stage on threads of its own.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_running)
        {
            throw new InvalidOperationException("Start: the pipeline is already running");
        }

        _rx = new RxCounters();
        foreach (WorkerCounters counters in _workerCounters)
        {
            counters.Reset();
        }

        foreach (EgressStage stage in _egress)
        {
            stage.Reset();
        }

        _fault = null;
        _signals.Reset();
        _rx.NoBufferAtStart = _options.Source.NoBufferDrops;
        _rx.MigrationsAtStart = Migrations();
        if (_completion.Task.IsCompleted)
        {
            _completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _device.Start();
        _threads.Clear();
        _threads.Add(new Thread(() => Guard(RunRx)) { IsBackground = true, Name = "qos-pipeline-rx" });
        for (int w = 0; w < _workers; w++)
        {
            int worker = w;
            _threads.Add(new Thread(() => Guard(() => RunWorker(worker))) { IsBackground = true, Name = $"qos-pipeline-worker-{worker}" });
        }

        for (int p = 0; p < _egress.Length; p++)
        {
            EgressStage stage = _egress[p];
            EventPort port = _device.GetPort(1 + _workers + p);
            _threads.Add(new Thread(() => Guard(() => stage.Run(port, _signals))) { IsBackground = true, Name = $"qos-pipeline-egress-{p}" });
        }

        _running = true;
        foreach (Thread thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>
    /// Stops the pipeline: RX stops taking frames; the workers and egress ports go on until the event device is
    /// empty (at most 2 s) and then, for up to <paramref name="drain"/> (default none), until the schedulers and TX
    /// queues are empty too; then every thread stops and what is still in the device or the schedulers is handed to
    /// <paramref name="flush"/> (the frame's pool index, before it goes back to the pool) and counted as flushed.
    /// Rethrows a stage's exception after that. Returns the run's final counters.
    /// </summary>
    public PipelineStats Stop(Action<int>? flush = null, TimeSpan drain = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_running)
        {
            throw new InvalidOperationException("Stop: the pipeline is not running");
        }

        _signals.StopRx = true;
        var wait = Stopwatch.StartNew();
        // Why bounded: a stage that fell behind or failed may never take its events; the flush accounts for the rest.
        while (_fault is null && (!_signals.RxLeft || InDevice() != 0) && wait.Elapsed < DeviceDrainLimit)
        {
            Thread.Sleep(1);
        }

        wait.Restart();
        while (_fault is null && wait.Elapsed < drain && !EgressEmpty())
        {
            Thread.Sleep(1);
        }

        _signals.StopAll = true;
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        long flushed = 0;
        try
        {
            _device.Stop(e =>
            {
                flush?.Invoke((int)e.Payload);
                _pool.Return((int)e.Payload);
                flushed++;
            });
            foreach (EgressStage stage in _egress)
            {
                flushed += stage.FlushAfterStop(flush);
            }

            while (_stranded.TryDequeue(out int frame))
            {
                flush?.Invoke(frame);
                _pool.Return(frame);
                flushed++;
            }

            if (_options.Source is ApplicationFrameSource application)
            {
                // Why: a posted frame is the pipeline's; one RX did not take before it stopped is received and flushed.
                while (application.TryTakeLeftover(out int frame))
                {
                    flush?.Invoke(frame);
                    _pool.Return(frame);
                    _rx.Received++;
                    flushed++;
                }
            }
        }
        finally
        {
            // Why: even if a flush callback throws, the pipeline is stopped (and can start again).
            _rx.Flushed = flushed;
            _running = false;
        }

        PipelineStats stats = GetStats();
        if (_fault is not null)
        {
            ExceptionDispatchInfo.Throw(_fault);
        }

        _completion.TrySetResult();
        return stats;
    }

    /// <summary>A snapshot of the counters (see <see cref="PipelineStats"/>); any thread.</summary>
    public PipelineStats GetStats()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var ports = new EgressPortStats[_egress.Length];
        long sent = 0, queueFull = 0, red = 0, pie = 0, violations = 0;
        var latency = new LatencyHistogram();
        for (int p = 0; p < ports.Length; p++)
        {
            ports[p] = _egress[p].Snapshot();
            sent += ports[p].SentPackets;
            queueFull += ports[p].QueueFull;
            red += ports[p].Red;
            pie += ports[p].Pie;
            violations += ports[p].OrderViolations;
            _egress[p].AddLatencyTo(latency);
        }

        long workerDrops = Volatile.Read(ref _rx.WorkerDrops);
        foreach (WorkerCounters counters in _workerCounters)
        {
            workerDrops += Volatile.Read(ref counters.Drops);
        }

        var loads = new double[_workers];
        var device = _device.GetStats();
        for (int w = 0; w < _workers; w++)
        {
            loads[w] = device.Ports[1 + w].Load;
        }

        long migrations = -_rx.MigrationsAtStart;
        foreach (var port in device.Ports)
        {
            migrations += port.Migrations;
        }

        long noBuffer = _options.Source.NoBufferDrops - _rx.NoBufferAtStart;
        return new PipelineStats
        {
            Offered = Volatile.Read(ref _rx.Received) + noBuffer,
            Sent = sent,
            Drops = new PipelineDrops
            {
                RxNoBuffer = noBuffer,
                RxBackpressure = Volatile.Read(ref _rx.Backpressure),
                Worker = workerDrops,
                QueueFull = queueFull,
                Red = red,
                Pie = pie,
            },
            Flushed = _rx.Flushed,
            Ports = ports,
            WorkerLoads = loads,
            Migrations = migrations,
            LatencyP50Nanoseconds = latency.Quantile(0.5),
            LatencyP99Nanoseconds = latency.Quantile(0.99),
            OrderViolations = violations,
        };
    }

    /// <summary>Stops the pipeline if it runs (flushing what is left), then frees the pool and the device.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (_running)
        {
            try
            {
                Stop();
            }
            catch (Exception)
            {
                // Why: Dispose does not throw; the fault is on Completion.
            }
        }

        _disposed = true;
        _device?.Dispose();
        if (_egress is not null)
        {
            foreach (EgressStage? stage in _egress)
            {
                stage?.Dispose();
            }
        }

        _pool.Dispose();
    }

    private long Migrations()
    {
        long migrations = 0;
        foreach (var port in _device.GetStats().Ports)
        {
            migrations += port.Migrations;
        }

        return migrations;
    }

    private long InDevice()
    {
        long left = Volatile.Read(ref _rx.Enqueued);
        foreach (WorkerCounters counters in _workerCounters)
        {
            left -= Volatile.Read(ref counters.Drops);
        }

        foreach (EgressStage stage in _egress)
        {
            left -= stage.ReceivedEvents;
        }

        return left;
    }

    private bool EgressEmpty()
    {
        foreach (EgressStage stage in _egress)
        {
            if (!stage.IsEmpty)
            {
                return false;
            }
        }

        return true;
    }

    private void Guard(Action stage)
    {
        try
        {
            stage();
        }
        catch (Exception e)
        {
            if (Interlocked.CompareExchange(ref _fault, e, null) is null)
            {
                _signals.StopRx = true;
                _signals.StopAll = true;
                _completion.TrySetException(e);
            }
        }
    }
}
