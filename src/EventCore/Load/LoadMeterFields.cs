using System.Runtime.InteropServices;

namespace Qos.EventCore.Load;

/// <summary>
/// The mutable state of a <see cref="LoadMeter"/>, with 128 bytes of padding before and after. Why: a port writes
/// its own meter on every dequeue that turns it busy or idle, and the meters of a device are allocated one after
/// another; unpadded, neighbouring ports' meters would share cache lines (and the adjacent-line prefetcher's
/// pairs), and every port's writes would evict its neighbours' lines.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = HotStart + HotSize + 128)]
internal struct LoadMeterFields
{
    public const int HotStart = 128;
    public const int HotSize = 64;

    [FieldOffset(HotStart)]
    public long BusyStart;

    [FieldOffset(HotStart + 8)]
    public long BusyTicks;

    [FieldOffset(HotStart + 16)]
    public long Served;

    [FieldOffset(HotStart + 24)]
    public long QueuedAtStart;

    [FieldOffset(HotStart + 32)]
    public long IntervalStart;

    [FieldOffset(HotStart + 40)]
    public int Load;

    /// <summary>Read by other ports.</summary>
    [FieldOffset(HotStart + 44)]
    public int Published;

    /// <summary>Added to by other ports (promised load).</summary>
    [FieldOffset(HotStart + 48)]
    public int Immigration;

    [FieldOffset(HotStart + 52)]
    public bool Busy;
}
