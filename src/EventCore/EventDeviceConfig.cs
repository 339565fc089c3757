using System;
using System.Collections.Generic;
using Qos.EventCore.Balancing;
using Qos.EventCore.Migration;

namespace Qos.EventCore;

/// <summary>
/// The shape and tuning of an <see cref="EventDevice"/>. Defaults follow DPDK's DSW device: 4096 events in flight,
/// credits borrowed 64 at a time, output buffers of 32 events, background work every 128 operations, the load
/// updated every 250 µs and migrations considered about every millisecond. A record: derive a variant with
/// <c>with</c> (every setting, the topology included, carries over).
/// </summary>
public sealed record EventDeviceConfig
{
    /// <summary>The most ports a device has.</summary>
    public const int MaxPorts = 64;

    /// <summary>The most queues a device has.</summary>
    public const int MaxQueues = 16;

    /// <summary>Number of ports, 1 to 64; each is used by one thread at a time.</summary>
    public int PortCount { get; init; } = 1;

    /// <summary>The queues, 1 to 16; their index is the <see cref="Event.QueueId"/>.</summary>
    public IReadOnlyList<QueueConfig> Queues { get; init; } = [new QueueConfig(ScheduleType.Atomic)];

    /// <summary>The global in-flight limit: credits on loan to ports never exceed it (64 to 1,048,576).</summary>
    public int MaxInflight { get; init; } = 4096;

    /// <summary>New events are refused once borrowing for them would take the credits on loan above this
    /// (1 to <see cref="MaxInflight"/>); 0 means three quarters of <see cref="MaxInflight"/>. Keeping it below the
    /// limit leaves room for forwarded events, so a full pipeline still drains.</summary>
    public int NewEventThreshold { get; init; }

    /// <summary>Credits a port borrows at least at once, and keeps when it returns surplus (1 to 1024).</summary>
    public int CreditChunk { get; init; } = 64;

    /// <summary>Events buffered per destination port before they are sent (1 to 256).</summary>
    public int OutputBufferSize { get; init; } = 32;

    /// <summary>Operations (events + calls) between background tasks: flush, load update, migration (1 to 65536).</summary>
    public int OperationsPerBackgroundTask { get; init; } = 128;

    /// <summary>How often a port updates its load estimate, in microseconds (1 to 10,000,000).</summary>
    public int LoadUpdateIntervalMicroseconds { get; init; } = 250;

    /// <summary>Mean interval between migration attempts of one port, in microseconds (1 to 10,000,000).</summary>
    public int MigrationIntervalMicroseconds { get; init; } = 1000;

    /// <summary>Whether flows move between ports at all.</summary>
    public bool MigrationEnabled { get; init; } = true;

    /// <summary>Chooses which flows move where; <c>null</c> means a <see cref="DswMigrationPolicy"/> with its defaults.</summary>
    public IMigrationPolicy? MigrationPolicy { get; init; }

    /// <summary>Which ports share a domain (cache) and which domains a node (NUMA), for policies that care
    /// (<see cref="HierarchicalMigrationPolicy"/>); it must describe <see cref="PortCount"/> ports. <c>null</c>: one
    /// domain on one node.</summary>
    public BalanceTopology? Topology { get; init; }

    /// <summary>A flow that moved does not move again for this long, in microseconds (0 to 10,000,000): no flapping.
    /// Default 100 ms.</summary>
    public int MigrationHoldDownMicroseconds { get; init; } = 100_000;

    /// <summary>Most flows moved, device-wide, per <see cref="MigrationIntervalMicroseconds"/> (1 to 1024). Default 16.</summary>
    public int MaxMovesPerInterval { get; init; } = 16;

    /// <summary>Half-life of a port's running-average load, in microseconds (0 to 10,000,000); 0 means one
    /// <see cref="LoadUpdateIntervalMicroseconds"/> (each update weighs as much as the past).</summary>
    public int LoadHalfLifeMicroseconds { get; init; }

    /// <summary>Called once for every event still in the device when it is disposed while running, as
    /// <see cref="EventDevice.Stop"/>'s flush callback would be, so that payloads owning resources (frame pool
    /// indices, say) are freed. <c>null</c>: such events are dropped; <see cref="EventDevice.DroppedOnDispose"/> counts them.</summary>
    public Action<Event>? DisposeFlush { get; init; }

    /// <summary>The new-event threshold in force: <see cref="NewEventThreshold"/>, or three quarters of
    /// <see cref="MaxInflight"/> when that is 0. A burst of new events larger than this is always refused.</summary>
    public int EffectiveNewEventThreshold => NewEventThreshold == 0 ? Math.Max(1, MaxInflight / 4 * 3) : NewEventThreshold;

    internal void Validate()
    {
        Check(PortCount, 1, MaxPorts, nameof(PortCount));
        if (Queues is null)
        {
            throw new ArgumentException($"{nameof(Queues)} is null: a device needs 1 to {MaxQueues} queues", nameof(Queues));
        }

        Check(Queues.Count, 1, MaxQueues, nameof(Queues) + ".Count");
        for (int q = 0; q < Queues.Count; q++)
        {
            if (!Enum.IsDefined(Queues[q].Type))
            {
                throw new ArgumentException($"Queues[{q}].Type {(int)Queues[q].Type} is not a defined ScheduleType", nameof(Queues));
            }
        }

        Check(MaxInflight, 64, 1 << 20, nameof(MaxInflight));
        if (NewEventThreshold != 0)
        {
            Check(NewEventThreshold, 1, MaxInflight, nameof(NewEventThreshold));
        }

        Check(CreditChunk, 1, 1024, nameof(CreditChunk));
        Check(OutputBufferSize, 1, 256, nameof(OutputBufferSize));
        Check(OperationsPerBackgroundTask, 1, 65536, nameof(OperationsPerBackgroundTask));
        Check(LoadUpdateIntervalMicroseconds, 1, 10_000_000, nameof(LoadUpdateIntervalMicroseconds));
        Check(MigrationIntervalMicroseconds, 1, 10_000_000, nameof(MigrationIntervalMicroseconds));
        Check(MigrationHoldDownMicroseconds, 0, 10_000_000, nameof(MigrationHoldDownMicroseconds));
        Check(MaxMovesPerInterval, 1, 1024, nameof(MaxMovesPerInterval));
        Check(LoadHalfLifeMicroseconds, 0, 10_000_000, nameof(LoadHalfLifeMicroseconds));
        if (Topology is not null && Topology.PortCount != PortCount)
        {
            throw new ArgumentException($"{nameof(Topology)}.PortCount {Topology.PortCount} must equal {nameof(PortCount)} {PortCount}: the topology places every port", nameof(Topology));
        }
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} {value} must be from {min} to {max}");
        }
    }
}
