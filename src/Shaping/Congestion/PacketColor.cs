namespace Qos.Shaping.Congestion;

/// <summary>
/// A packet's colour as set by a policer or marker upstream (for example a two-rate three-colour marker).
/// Weighted RED keeps one threshold set per colour, so that out-of-profile traffic is dropped first.
/// </summary>
public enum PacketColor : byte
{
    /// <summary>In profile: the last to be dropped.</summary>
    Green = 0,

    /// <summary>Above the committed rate but within the peak rate.</summary>
    Yellow = 1,

    /// <summary>Out of profile: the first to be dropped.</summary>
    Red = 2,
}
