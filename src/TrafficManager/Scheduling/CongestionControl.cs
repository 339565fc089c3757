namespace Qos.TrafficManager.Scheduling;

/// <summary>Active queue management of a queue.</summary>
internal enum CongestionControl : byte
{
    /// <summary>Tail drop only.</summary>
    None = 0,

    /// <summary>WRED per colour.</summary>
    Red = 1,

    /// <summary>PIE.</summary>
    Pie = 2,
}
