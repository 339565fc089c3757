using System.Runtime.CompilerServices;

namespace Qos.EventCore.Scheduling;

/// <summary>Flow id → one of 8192 flow hashes (the granularity at which flows are owned and moved).</summary>
internal static class FlowHash
{
    public const int Bits = 13;
    public const int Count = 1 << Bits;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(uint flowId) => (int)((flowId * 0x9E3779B1u) >> (32 - Bits));

    /// <summary>Queue and flow hash packed in one int (queue in the high half), as recorded and paused.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Key(int queueId, int flowHash) => (queueId << 16) | flowHash;
}
