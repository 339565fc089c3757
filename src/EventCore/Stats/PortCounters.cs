using System;
using System.Threading;

namespace Qos.EventCore.Stats;

/// <summary>
/// A port's counters, written by its own thread only with plain stores; snapshots read them from any thread
/// (64-bit reads do not tear on the platforms .NET 10 runs on; a snapshot is approximate while the port runs).
/// </summary>
internal sealed class PortCounters
{
    public const int LatencySamples = 1024;

    public PortCounters(int queueCount)
    {
        EnqueuedPerQueue = new long[queueCount];
        DequeuedPerQueue = new long[queueCount];
    }

    public long[] EnqueuedPerQueue { get; }

    public long[] DequeuedPerQueue { get; }

    public long NewEvents;
    public long Forwarded;
    public long Released;
    public long Refused;
    public long Dequeued;
    public long Emigrations;
    public long Immigrations;
    public long Migrations;
    public long MigrationTicks;
    public long ProcessingSamples;
    public long ProcessingTicks;
    public long LastActivity;

    /// <summary>Times a migration's forward waited for a slot some producer had reserved but not yet published.</summary>
    public long ForwardWaits;

    /// <summary>Empty dequeues that backed off (spin, yield or sleep) inside the call; <see cref="EventPort.Poll"/> never does.</summary>
    public long IdleWaits;

    private readonly long[] _migrationLatencies = new long[LatencySamples];

    public void RecordMigration(long ticks, int flows)
    {
        _migrationLatencies[Migrations & (LatencySamples - 1)] = ticks;
        Migrations++;
        MigrationTicks += ticks;
        Emigrations += flows;
    }

    /// <summary>The most recent migration latencies, in Stopwatch ticks.</summary>
    public long[] CopyMigrationLatencies()
    {
        int n = (int)Math.Min(Volatile.Read(ref Migrations), LatencySamples);
        var copy = new long[n];
        Array.Copy(_migrationLatencies, copy, n);
        return copy;
    }
}
