using System.Collections.Generic;

namespace Qos.EventCore.Stats;

/// <summary>A snapshot of the device's xstats.</summary>
public sealed class EventDeviceStats
{
    /// <summary>Credits ports have borrowed: an upper bound of the events in flight.</summary>
    public required long CreditsOnLoan { get; init; }

    /// <summary>The in-flight limit.</summary>
    public required int MaxInflight { get; init; }

    /// <summary>Per port, by port id.</summary>
    public required IReadOnlyList<EventPortStats> Ports { get; init; }
}
