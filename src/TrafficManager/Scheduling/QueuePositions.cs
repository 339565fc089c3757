using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Qos.TrafficManager.Scheduling;

/// <summary>
/// Head and tail of a pipe's 16 queues in one cache line. Free-running 16-bit counters: the length is
/// <c>(ushort)(tail - head)</c>, which is exact because no queue holds more than 32768 packets.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
internal struct QueuePositions
{
    public Positions Head;
    public Positions Tail;

    // Why: not readonly; a readonly member would index the inline arrays through read-only spans.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Length(int queue) => (ushort)(Tail[queue & 0xF] - Head[queue & 0xF]);

    [InlineArray(16)]
    public struct Positions
    {
        private ushort _element0;
    }
}
