namespace Qos.EventCore.Migration;

/// <summary>Where a port is in emigrating its flows.</summary>
internal enum MigrationState : byte
{
    /// <summary>No migration under way.</summary>
    Idle = 0,

    /// <summary>Pause requests sent; waiting for every other port to confirm.</summary>
    Pausing = 1,

    /// <summary>All paused; waiting until the application has finished the events it dequeued.</summary>
    Forwarding = 2,

    /// <summary>Tables updated and held events forwarded; waiting for every port to confirm the unpause.</summary>
    Unpausing = 3,
}
