namespace Qos.TrafficManager.Stats;

/// <summary>Why a packet was dropped at enqueue.</summary>
public enum DropReason
{
    /// <summary>Its queue was full (tail drop), or PIE's hard tail-drop threshold was reached.</summary>
    QueueFull = 0,

    /// <summary>RED/WRED chose to drop it.</summary>
    Red = 1,

    /// <summary>PIE chose to drop it.</summary>
    Pie = 2,
}
