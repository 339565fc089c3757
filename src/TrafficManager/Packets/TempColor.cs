namespace Qos.TrafficManager.Packets.Temp;

/// <summary>Temporary until Shaping.Congestion lands.</summary>
public enum PacketColor : byte
{
    /// <summary>Green.</summary>
    Green = 0,

    /// <summary>Yellow.</summary>
    Yellow = 1,

    /// <summary>Red.</summary>
    Red = 2,
}
