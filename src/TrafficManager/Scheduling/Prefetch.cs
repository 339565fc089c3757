using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Qos.TrafficManager.Scheduling;

/// <summary>Software prefetch into all cache levels; nothing on processors without it.</summary>
internal static unsafe class Prefetch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Line(void* address)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(address);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Lines(void* address, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Line((byte*)address + (i * 64));
        }
    }
}
