using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using Qos.EventCore.Credits;
using Qos.EventCore.Load;
using Qos.EventCore.Migration;
using Qos.EventCore.Rings;
using Qos.EventCore.Scheduling;
using Qos.EventCore.Stats;
using Qos.EventCore.Threading;

namespace Qos.EventCore;

/// <summary>
/// A port of an <see cref="EventDevice"/>: the handle one thread uses to enqueue and dequeue events. A port is
/// used by one thread at a time (asserted in debug builds). Besides moving events, every call does a little of
/// the device's work (control messages, output flushes, load updates, flow migration), so a port must not be
/// left unattended: a thread that has nothing to send calls <see cref="Maintain"/> now and then.
/// </summary>
public sealed partial class EventPort
{
    private const int ControlRingCapacity = 256;
    private const int ForwardChunk = 64;

    private readonly EventDevice _device;
    private readonly EventPort[] _ports;
    private readonly QueueState[] _queues;
    private readonly CreditPool _pool;
    private readonly MpscRing<Event> _inRing;
    private readonly MpscRing<ControlMessage> _controlRing;
    private readonly Event[] _out;
    private readonly int[] _outLengths;
    private readonly int _outSize;
    private readonly Event[] _inBuffer;
    private readonly Event[] _paused;
    private readonly PausedFlowSet _pausedFlows;
    private readonly RecentFlows _recent = new();
    private readonly Emigration _emigration = new();
    private readonly PortCounters _counters;
    private readonly LoadMeter _load;
    private readonly MigrationPlanner _planner;
    private readonly int _creditChunk;
    private readonly int _opsPerBackground;
    private readonly long _migrationInterval;
    private readonly bool _migrationEnabled;
    private readonly double[] _loadScratch;
    private readonly ulong[] _servingScratch;
    private readonly Event[] _forwardScratch = new Event[ForwardChunk];

    private OwnerCheck _owner;
    private Backoff _backoff;
    private int _credits;
    private int _pendingReleases;
    private int _ops;
    private int _inBufferStart;
    private int _inBufferLength;
    private int _pausedLength;
    private int _dequeueBursts;
    private long _probeStart;
    private long _forwardEnd;
    private long _forwardScanned;
    private long _nextMigration;
    private ulong _random;
    private bool _running;

    internal EventPort(EventDevice device, int id)
    {
        Id = id;
        _device = device;
        EventDeviceConfig config = device.Config;
        _ports = device.Ports;
        _queues = device.Queues;
        _pool = device.Credits;
        int capacity = device.RingCapacity;
        _inRing = new MpscRing<Event>(capacity);
        _controlRing = new MpscRing<ControlMessage>(ControlRingCapacity);
        _outSize = config.OutputBufferSize;
        _out = new Event[config.PortCount * _outSize];
        _outLengths = new int[config.PortCount];
        _inBuffer = new Event[capacity];
        _paused = new Event[capacity];
        _pausedFlows = new PausedFlowSet(config.PortCount);
        _counters = new PortCounters(config.Queues.Count);
        _creditChunk = config.CreditChunk;
        _opsPerBackground = config.OperationsPerBackgroundTask;
        _load = device.Meters[id];
        _planner = new MigrationPlanner(id, device.Policy, device.Ledger, config.Topology, device.Meters);
        _migrationInterval = Math.Max(2, config.MigrationIntervalMicroseconds * Stopwatch.Frequency / 1_000_000);
        _migrationEnabled = config.MigrationEnabled && config.PortCount > 1;
        _loadScratch = new double[config.PortCount];
        _servingScratch = new ulong[config.Queues.Count];
        _random = 0x9E3779B97F4A7C15UL * (ulong)(id + 1);
    }

    /// <summary>The port id, 0 to <see cref="EventDevice.PortCount"/> - 1.</summary>
    public int Id { get; }

    /// <summary>Credits this port holds (borrowed from the device, not yet spent or returned).</summary>
    internal int CreditsHeld => _credits;

    /// <summary>Dequeued events the application has not yet forwarded or released.</summary>
    internal int PendingReleases => _pendingReleases;

    internal MigrationState MigrationState => _emigration.State;

    /// <summary>Empty dequeues that backed off inside the call (<see cref="Poll"/> never does).</summary>
    internal long IdleWaits => _counters.IdleWaits;

    /// <summary>For tests: the input ring, where they hold a reservation open as a preempted producer would.</summary>
    internal MpscRing<Event> InputRing => _inRing;

    /// <summary>Events waiting for this port: in its input ring and in the input buffer a migration left. Their
    /// growth over a load interval is demand the busy time cannot show (<see cref="Load.LoadMeter"/>).</summary>
    private long Backlog => _inRing.Count + _inBufferLength;

    internal void OnStart(long now)
    {
        Debug.Assert(!_running && _credits == 0, "a port starts stopped and without credits");
        for (int q = 0; q < _queues.Length; q++)
        {
            _servingScratch[q] = _queues[q].ServingMask;
        }

        _load.Reset(now, Backlog);
        _nextMigration = now + _migrationInterval;
        _counters.LastActivity = now;
        _backoff.Reset();
        _running = true;
    }

    internal void OnStopped()
    {
        _running = false;
        _credits = 0;
        _pendingReleases = 0;
        _ops = 0;
        _probeStart = 0;
        _emigration.State = MigrationState.Idle;
        _emigration.Clear();
        _pausedFlows.Clear();
        _recent.Reset();
    }

    internal EventPortStats GetStats()
    {
        long[] latencies = _counters.CopyMigrationLatencies();
        var recent = new TimeSpan[latencies.Length];
        for (int i = 0; i < latencies.Length; i++)
        {
            recent[i] = Stopwatch.GetElapsedTime(0, latencies[i]);
        }

        long migrations = Volatile.Read(ref _counters.Migrations);
        long samples = Volatile.Read(ref _counters.ProcessingSamples);
        return new EventPortStats
        {
            PortId = Id,
            EnqueuedPerQueue = (long[])_counters.EnqueuedPerQueue.Clone(),
            DequeuedPerQueue = (long[])_counters.DequeuedPerQueue.Clone(),
            Dequeued = Volatile.Read(ref _counters.Dequeued),
            NewEvents = Volatile.Read(ref _counters.NewEvents),
            Forwarded = Volatile.Read(ref _counters.Forwarded),
            Released = Volatile.Read(ref _counters.Released),
            Refused = Volatile.Read(ref _counters.Refused),
            Load = _load.Published,
            Emigrations = Volatile.Read(ref _counters.Emigrations),
            Immigrations = Volatile.Read(ref _counters.Immigrations),
            Migrations = migrations,
            MeanMigrationLatency = migrations == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, Volatile.Read(ref _counters.MigrationTicks) / migrations),
            RecentMigrationLatencies = recent,
            MeanEventProcessingLatency = samples == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, Volatile.Read(ref _counters.ProcessingTicks) / samples),
            CreditsHeld = Volatile.Read(ref _credits),
            LastActivityTimestamp = Volatile.Read(ref _counters.LastActivity),
        };
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowNotRunning()
    {
        _owner.Exit();
        ObjectDisposedException.ThrowIf(_device.IsDisposed, _device);
        throw new InvalidOperationException($"port {Id}: the device is not started");
    }
}
