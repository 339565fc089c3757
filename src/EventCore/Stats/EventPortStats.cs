using System;
using System.Collections.Generic;

namespace Qos.EventCore.Stats;

/// <summary>A snapshot of one port's xstats (approximate while the port runs).</summary>
public sealed class EventPortStats
{
    /// <summary>The port.</summary>
    public required int PortId { get; init; }

    /// <summary>Events accepted by enqueue (new + forward + release), by queue id (releases are not per queue).</summary>
    public required IReadOnlyList<long> EnqueuedPerQueue { get; init; }

    /// <summary>Events dequeued, by queue id.</summary>
    public required IReadOnlyList<long> DequeuedPerQueue { get; init; }

    /// <summary>Events dequeued in total.</summary>
    public required long Dequeued { get; init; }

    /// <summary>New events accepted.</summary>
    public required long NewEvents { get; init; }

    /// <summary>Forwarded events accepted.</summary>
    public required long Forwarded { get; init; }

    /// <summary>Release operations.</summary>
    public required long Released { get; init; }

    /// <summary>Enqueue calls refused for lack of credits (back-pressure).</summary>
    public required long Refused { get; init; }

    /// <summary>The smoothed load: work offered as a share of what the port serves, 0 (idle) to 1 (always busy),
    /// above 1 (up to 2) while its backlog grows.</summary>
    public required double Load { get; init; }

    /// <summary>Flows this port moved away.</summary>
    public required long Emigrations { get; init; }

    /// <summary>Flows other ports moved here.</summary>
    public required long Immigrations { get; init; }

    /// <summary>Completed migrations this port led (each moves one or more flows).</summary>
    public required long Migrations { get; init; }

    /// <summary>Mean time from the start of a migration to its last confirmation.</summary>
    public required TimeSpan MeanMigrationLatency { get; init; }

    /// <summary>The latencies of the most recent migrations (up to 1024).</summary>
    public required IReadOnlyList<TimeSpan> RecentMigrationLatencies { get; init; }

    /// <summary>Mean time the application held a dequeued burst before its next call on the port (sampled).</summary>
    public required TimeSpan MeanEventProcessingLatency { get; init; }

    /// <summary>Credits the port holds (part of the device's credits on loan).</summary>
    public required int CreditsHeld { get; init; }

    /// <summary>Stopwatch timestamp of the port's last background task: an old one marks an unattended port.</summary>
    public required long LastActivityTimestamp { get; init; }
}
