using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Qos.Shaping.Clock;
using Qos.Shaping.Congestion;
using Qos.Shaping.Randomness;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Internal;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Scheduling;
using Qos.TrafficManager.Stats;

namespace Qos.TrafficManager;

/// <summary>
/// The hierarchical scheduler of one output port: port → subports → pipes → 13 traffic classes → 16 queues
/// per pipe (classes 0..11 one queue each in strict priority, class 12 four best-effort queues by WRR).
/// </summary>
/// <remarks>
/// <para>One thread owns a port scheduler: it calls <see cref="Enqueue(ReadOnlySpan{Packet})"/>, <see cref="Dequeue"/>, the run-time
/// changes and the readers of its state and stats (asserted in debug builds; the first such call makes its thread the owner).
/// <see cref="Config"/>, <see cref="PipeCount"/> and <see cref="MemoryBytes"/> never change and may be read from any thread.
/// Scale out with more ports, one thread each.</para>
/// <para>Time is the port's line time in bytes, read from the injected <see cref="IByteClock"/>. The scheduler
/// keeps the port time: when the line is free again. Each packet sent moves it by <c>length + frame overhead</c>;
/// it never falls behind the clock (an idle line is lost time), and it never runs more than
/// <see cref="PortConfig.TxLead"/> ahead of the clock, so the scheduler cannot overfill the transmit side.
/// All shaping credits are computed at the port time.</para>
/// <para>The queues and pipe state live in native memory, released by <see cref="Dispose"/>; after it every other
/// member throws <see cref="ObjectDisposedException"/>.</para>
/// </remarks>
public sealed unsafe partial class PortScheduler : IDisposable
{
    /// <summary>Number of grinders: pipes in service at once.</summary>
    public const int GrinderCount = 8;

    private const int EnqueueBurst = 64;

    private readonly PortConfig _config;
    private readonly IByteClock _clock;
    private readonly Subport[] _subports;
    private readonly SubportProfile[] _subportProfiles;
    private readonly PipeProfile[] _pipeProfiles;
    private readonly NativeBuffer<PipeState> _pipeBuffer;
    private readonly NativeBuffer<QueuePositions> _positionBuffer;
    private readonly NativeBuffer<QueueCounters> _counterBuffer;
    private readonly NativeBuffer<Packet> _slotBuffer;
    private readonly NativeBuffer<ClassCounters> _dropBuffer;
    private readonly RedState[] _redStates;
    private readonly PieState[] _pieStates;
    private readonly bool _hasCongestionControl;
    private readonly ActiveQueueBitmap _bitmap;
    private readonly Grinder[] _grinders = new Grinder[GrinderCount];
    // Why: the native bases are cached as raw pointers for the hot paths. Each public member that uses them checks
    // _disposed once, before any pointer is read, and ends with GC.KeepAlive(this): otherwise, once the JIT sees no
    // further use of this, the scheduler and its buffers could be collected mid-call and a buffer's finalizer free
    // memory the call is still writing.
    private readonly PipeState* _pipes;
    private readonly QueuePositions* _positions;
    private readonly QueueCounters* _counters;
    private readonly Packet* _slots;
    private readonly ClassCounters* _drops;
    private readonly int _pipeCount;
    private readonly int _frameOverhead;
    private readonly long _txLead;
    private long _portTime;
    private long _queued;
    private int _busyGrinders;
    private int _nextGrinder;
    private int _owner;
    private int _dequeuesSinceCheck;
    private bool _disposed;
    private Xorshift32 _random = new(0x2545F491);

    /// <summary>Builds the scheduler for <paramref name="config"/>, refusing an invalid one with a <see cref="ConfigurationException"/>.</summary>
    /// <param name="config">The port's configuration.</param>
    /// <param name="clock">Line time source; its port rate must be the configured port rate.</param>
    public PortScheduler(PortConfig config, IByteClock clock)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(clock);
        ConfigValidator.Validate(config);
        if (clock.PortRate != config.Rate)
        {
            throw new ArgumentException($"clock counts at {clock.PortRate} B/s but the port rate is {config.Rate} B/s", nameof(clock));
        }

        _config = config;
        _clock = clock;
        _frameOverhead = config.FrameOverhead;
        _txLead = config.TxLead > 0 ? config.TxLead : 64L * (config.Mtu + config.FrameOverhead);
        _portTime = clock.Now();

        _subportProfiles = new SubportProfile[config.SubportProfiles.Count];
        for (int i = 0; i < _subportProfiles.Length; i++)
        {
            _subportProfiles[i] = new SubportProfile(config.SubportProfiles[i], config.Rate);
        }

        long largestBestEffortRate = 0;
        _pipeProfiles = new PipeProfile[config.PipeProfiles.Count];
        for (int i = 0; i < _pipeProfiles.Length; i++)
        {
            _pipeProfiles[i] = new PipeProfile(config.PipeProfiles[i], config.Rate);
            largestBestEffortRate = Math.Max(largestBestEffortRate, _pipeProfiles[i].BestEffortRate);
        }

        _subports = new Subport[config.Subports.Count];
        int pipes = 0;
        long slots = 0;
        for (int s = 0; s < _subports.Length; s++)
        {
            var sc = config.Subports[s];
            _subports[s] = new Subport(s, sc, _subportProfiles[sc.Profile], pipes, slots, config, _portTime, largestBestEffortRate);
            pipes += _subports[s].PipeCount;
            slots += (long)_subports[s].PipeCount * _subports[s].SlotsPerPipe;
        }

        _pipeCount = pipes;
        _pipeBuffer = new NativeBuffer<PipeState>(pipes);
        _positionBuffer = new NativeBuffer<QueuePositions>(pipes);
        _counterBuffer = new NativeBuffer<QueueCounters>((long)pipes * TrafficClass.QueuesPerPipe);
        _slotBuffer = new NativeBuffer<Packet>(slots);
        _dropBuffer = new NativeBuffer<ClassCounters>((long)pipes * TrafficClass.QueuesPerPipe);
        _hasCongestionControl = Array.Exists(_subports, s => s.HasCongestionControl);
        _redStates = _hasCongestionControl ? new RedState[pipes * TrafficClass.QueuesPerPipe] : [];
        _pieStates = _hasCongestionControl ? new PieState[pipes * TrafficClass.QueuesPerPipe] : [];
        _pipes = _pipeBuffer.Pointer;
        _positions = _positionBuffer.Pointer;
        _counters = _counterBuffer.Pointer;
        _slots = _slotBuffer.Pointer;
        _drops = _dropBuffer.Pointer;
        _bitmap = new ActiveQueueBitmap(pipes);
        for (int g = 0; g < GrinderCount; g++)
        {
            _grinders[g].Pipe = -1;
        }

        foreach (var sub in _subports)
        {
            int pipe = sub.FirstPipe;
            foreach (var group in sub.Config.Pipes)
            {
                for (int i = 0; i < group.Count; i++, pipe++)
                {
                    InitPipe(ref _pipes[pipe], sub, group.Profile);
                }
            }
        }

        GC.KeepAlive(this);
    }

    /// <summary>The configuration the scheduler was built from.</summary>
    public PortConfig Config
    {
        get
        {
            ThrowIfDisposed();
            return _config;
        }
    }

    /// <summary>Total pipes over all subports.</summary>
    public int PipeCount
    {
        get
        {
            ThrowIfDisposed();
            return _pipeCount;
        }
    }

    /// <summary>Port time: the line time, in bytes, at which the line is free after the packets handed out so far.</summary>
    /// <remarks>Owner thread only (asserted in Debug builds).</remarks>
    public long PortTime
    {
        get
        {
            ThrowIfDisposed();
            AssertOwner();
            return _portTime;
        }
    }

    /// <summary>Packets held in all queues.</summary>
    /// <remarks>Owner thread only (asserted in Debug builds).</remarks>
    public long QueuedPackets
    {
        get
        {
            ThrowIfDisposed();
            AssertOwner();
            return _queued;
        }
    }

    /// <summary>Bytes of native memory holding queues and pipe state.</summary>
    public long MemoryBytes
    {
        get
        {
            ThrowIfDisposed();
            return _pipeBuffer.ByteLength + _positionBuffer.ByteLength + _counterBuffer.ByteLength + _slotBuffer.ByteLength + _dropBuffer.ByteLength;
        }
    }

    /// <summary>
    /// Releases the native memory. Every member but this one throws <see cref="ObjectDisposedException"/> afterwards;
    /// calling it again does nothing. Call it when no other call on the scheduler runs (on the owner thread, or
    /// after that thread stopped using it).
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        // Why: set before the memory goes, so that no member reaches through the cached pointers into freed memory.
        _disposed = true;
        _slotBuffer.Dispose();
        _dropBuffer.Dispose();
        _counterBuffer.Dispose();
        _positionBuffer.Dispose();
        _pipeBuffer.Dispose();
    }

    private void InitPipe(ref PipeState pipe, Subport sub, int profileIndex)
    {
        var profile = _pipeProfiles[profileIndex];
        pipe.Profile = profileIndex;
        pipe.Subport = sub.Index;
        pipe.Bucket = Qos.Shaping.TokenBucket.TokenBucketState.Full(profile.Bucket, _portTime);
        pipe.Classes = TrafficClassLimiter.Start(profile.Classes, _portTime);
        pipe.Wrr = default;
        pipe.OversubscriptionPeriod = sub.Period - 1;
        pipe.OversubscriptionCredits = 0;
    }

    /// <summary>Brings port time up to the clock: time the line sat idle is gone.</summary>
    private long SyncPortTime()
    {
        long now = _clock.Now();
        if (_portTime < now)
        {
            _portTime = now;
        }

        return now;
    }

    /// <summary>The random input RED and PIE decide with; seeded, so runs repeat exactly.</summary>
    private uint NextRandom() => _random.Next();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long SlotIndex(Subport sub, int globalPipe, int queue, int position) =>
        sub.SlotBase(globalPipe) + sub.QueueOffset[queue & 0xF] + (position & sub.QueueMask[queue & 0xF]);

    /// <summary>The one check a public member makes before it uses the native memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            ThrowDisposed();
        }
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDisposed() =>
        throw new ObjectDisposedException(nameof(PortScheduler), "the port scheduler was disposed: its queues and pipe state are gone");

    [Conditional("DEBUG")]
    private void AssertOwner()
    {
        int id = Environment.CurrentManagedThreadId;
        if (_owner == 0)
        {
            _owner = id;
        }

        Debug.Assert(_owner == id, $"a port scheduler is owned by one thread: thread {_owner} owns it, thread {id} called");
    }
}
