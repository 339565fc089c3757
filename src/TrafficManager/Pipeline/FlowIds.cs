using System.Runtime.CompilerServices;

namespace Qos.TrafficManager.Pipeline;

/// <summary>The one fold from the classifier's 64-bit flow id to the event scheduler's 32-bit flow id.</summary>
public static class FlowIds
{
    /// <summary>Folds <paramref name="flowId"/> (already a well-mixed hash: MurmurHash3's fmix64) to 32 bits by
    /// xoring its halves; equal flow ids give equal event flows, so a flow stays atomic end to end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ToEventFlow(ulong flowId) => (uint)flowId ^ (uint)(flowId >> 32);
}
