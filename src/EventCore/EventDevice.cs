using System;
using System.Diagnostics;
using System.Numerics;
using Qos.EventCore.Balancing;
using Qos.EventCore.Credits;
using Qos.EventCore.Load;
using Qos.EventCore.Migration;
using Qos.EventCore.Scheduling;
using Qos.EventCore.Stats;

namespace Qos.EventCore;

/// <summary>
/// A distributed software event device in the spirit of DPDK's DSW: there is no central scheduler. The sending
/// port schedules each event at enqueue time (flow id → flow hash → the queue's table → owning port) and the
/// event travels port to port through the owner's lock-free input ring. Ports borrow credits from a global
/// in-flight budget, buffer output per destination, measure their load and move flows of atomic queues to less
/// loaded ports with a pause → confirm → forward → unpause protocol, all driven by their own
/// enqueue/dequeue/maintain calls.
/// </summary>
/// <remarks>
/// Life cycle: construct (configure), <see cref="Link"/> ports to queues, <see cref="Start"/>, use the ports
/// (each from one thread at a time), <see cref="Stop"/> (with no thread inside a port; every in-flight event goes
/// to the flush callback), then <see cref="Start"/> again or <see cref="Dispose"/> (close; a running device is
/// stopped first and its events go to <see cref="EventDeviceConfig.DisposeFlush"/>). After Dispose every member
/// and every port call throws <see cref="ObjectDisposedException"/>. <see cref="GetStats"/> and
/// <see cref="CreditsOnLoan"/> may be read from any thread while the ports run: the counters are written by their
/// ports' threads and read without locks, so a snapshot is consistent per counter, not across counters.
/// </remarks>
public sealed class EventDevice : IDisposable
{
    private readonly EventDeviceConfig _config;
    private readonly QueueState[] _queues;
    private readonly EventPort[] _ports;
    private readonly CreditPool _credits;
    private readonly IMigrationPolicy _policy;
    private readonly LoadMeter[] _meters;
    private readonly MigrationLedger _ledger;
    private bool _running;
    private bool _disposed;

    /// <summary>Configures a device; ports and queues exist from here on, links come next.</summary>
    public EventDevice(EventDeviceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        _queues = new QueueState[config.Queues.Count];
        for (int q = 0; q < _queues.Length; q++)
        {
            _queues[q] = new QueueState(q, config.Queues[q].Type);
        }

        _credits = new CreditPool(config.MaxInflight, config.EffectiveNewEventThreshold);
        _policy = config.MigrationPolicy ?? new DswMigrationPolicy();
        RingCapacity = (int)BitOperations.RoundUpToPowerOf2((uint)config.MaxInflight);
        long now = Stopwatch.GetTimestamp();
        _meters = new LoadMeter[config.PortCount];
        for (int p = 0; p < _meters.Length; p++)
        {
            _meters[p] = new LoadMeter(ToTicks(config.LoadUpdateIntervalMicroseconds), now, ToTicks(config.LoadHalfLifeMicroseconds));
        }

        _ledger = new MigrationLedger(config.Queues.Count, ToTicks(config.MigrationHoldDownMicroseconds), config.MaxMovesPerInterval,
            ToTicks(config.MigrationIntervalMicroseconds), now);
        _ports = new EventPort[config.PortCount];
        for (int p = 0; p < _ports.Length; p++)
        {
            _ports[p] = new EventPort(this, p);
        }
    }

    /// <summary>Number of ports.</summary>
    public int PortCount => _ports.Length;

    /// <summary>Number of queues.</summary>
    public int QueueCount => _queues.Length;

    /// <summary>Credits the ports have borrowed: events in flight plus credits the ports hold.</summary>
    public long CreditsOnLoan => _credits.OnLoan;

    /// <summary>Whether the device is started.</summary>
    public bool IsRunning => _running;

    /// <summary>Events dropped because the device was disposed while running with no
    /// <see cref="EventDeviceConfig.DisposeFlush"/> callback.</summary>
    public long DroppedOnDispose { get; private set; }

    internal bool IsDisposed => _disposed;

    internal EventDeviceConfig Config => _config;

    internal QueueState[] Queues => _queues;

    internal EventPort[] Ports => _ports;

    internal CreditPool Credits => _credits;

    internal IMigrationPolicy Policy => _policy;

    /// <summary>Every port's load meter, by port id (a port writes its own; sources promise load to targets').</summary>
    internal LoadMeter[] Meters => _meters;

    /// <summary>When flows last moved and how many moved this interval, shared by the ports.</summary>
    internal MigrationLedger Ledger => _ledger;

    /// <summary>Capacity of each port's input ring (and paused and input buffers): room for every credit.</summary>
    internal int RingCapacity { get; }

    /// <summary>The port with id <paramref name="portId"/>.</summary>
    public EventPort GetPort(int portId)
    {
        ThrowIfDisposed();
        if ((uint)portId >= (uint)_ports.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(portId), portId, $"portId {portId} must be from 0 to {_ports.Length - 1}");
        }

        return _ports[portId];
    }

    /// <summary>Makes port <paramref name="portId"/> serve queue <paramref name="queueId"/> (before start).</summary>
    public void Link(int portId, int queueId)
    {
        ThrowIfDisposed();
        if (_running)
        {
            throw new InvalidOperationException($"Link({portId}, {queueId}): links change only while the device is stopped");
        }

        GetPort(portId);
        if ((uint)queueId >= (uint)_queues.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(queueId), queueId, $"queueId {queueId} must be from 0 to {_queues.Length - 1}");
        }

        QueueState queue = _queues[queueId];
        ulong bit = 1UL << portId;
        if (queue.Type == ScheduleType.SingleLink && queue.ServingMask != 0 && queue.ServingMask != bit)
        {
            throw new InvalidOperationException($"queue {queueId} is single-link and already served by port {BitOperations.TrailingZeroCount(queue.ServingMask)}; port {portId} cannot link to it too");
        }

        queue.ServingMask |= bit;
    }

    /// <summary>Starts the device: every queue must be served by at least one port.</summary>
    public void Start()
    {
        ThrowIfDisposed();
        if (_running)
        {
            throw new InvalidOperationException("Start: the device is already started");
        }

        foreach (QueueState queue in _queues)
        {
            if (queue.ServingMask == 0)
            {
                throw new InvalidOperationException($"Start: queue {queue.Id} ({queue.Type}) has no port linked to it; link at least one");
            }

            queue.AssignInitialOwners();
        }

        long now = Stopwatch.GetTimestamp();
        _ledger.Reset(now);
        foreach (EventPort port in _ports)
        {
            port.OnStart(now);
        }

        _running = true;
    }

    /// <summary>
    /// Stops the device. No thread may be inside a port. Every event still in the device (input rings, output
    /// buffers, paused buffers, input buffers) is handed to <paramref name="flush"/> exactly once; credits are
    /// reset. Returns the number of events flushed.
    /// </summary>
    public long Stop(Action<Event>? flush = null)
    {
        ThrowIfDisposed();
        if (!_running)
        {
            throw new InvalidOperationException("Stop: the device is not started");
        }

        _running = false;
        long flushed = 0;
        foreach (EventPort port in _ports)
        {
            flushed += port.Drain(flush);
        }

        foreach (EventPort port in _ports)
        {
            port.OnStopped();
        }

        _credits.Reset();
        return flushed;
    }

    /// <summary>A snapshot of the xstats of the device and every port.</summary>
    public EventDeviceStats GetStats()
    {
        ThrowIfDisposed();
        var ports = new EventPortStats[_ports.Length];
        for (int p = 0; p < ports.Length; p++)
        {
            ports[p] = _ports[p].GetStats();
        }

        return new EventDeviceStats { CreditsOnLoan = _credits.OnLoan, MaxInflight = _credits.MaxInflight, Ports = ports };
    }

    /// <summary>Closes the device. A running device is stopped first (no thread may be inside a port); every event
    /// still in it goes to <see cref="EventDeviceConfig.DisposeFlush"/>, or is counted in
    /// <see cref="DroppedOnDispose"/> when there is no such callback. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (_running)
        {
            long flushed = Stop(_config.DisposeFlush);
            if (_config.DisposeFlush is null)
            {
                DroppedOnDispose = flushed;
            }
        }

        _disposed = true;
    }

    /// <summary>The port that currently owns <paramref name="flowId"/> on <paramref name="queueId"/>.</summary>
    internal int OwnerOf(int queueId, uint flowId) => _queues[queueId].Table[FlowHash.Of(flowId)];

    private static long ToTicks(int microseconds) => Math.Max(microseconds == 0 ? 0 : 1, microseconds * Stopwatch.Frequency / 1_000_000);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
