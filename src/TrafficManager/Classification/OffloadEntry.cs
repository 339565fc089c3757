using System.Runtime.InteropServices;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// One flow in an <see cref="OffloadBuckets"/> set, exactly one 64-byte cache line: its key, its flow id and its
/// data (the route in the low 36 bits, the interval's packet count above them).
/// </summary>
/// <remarks>Why the flow id and not the hash: a hit returns it with the route, so a hit never computes
/// <see cref="FlowKey.FlowId"/> (six dependent multiplies); the table hash is cheap to recompute when a flow moves.</remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct OffloadEntry
{
    public FlowKey Key;
    public ulong FlowId;
    public ulong Data;
}
