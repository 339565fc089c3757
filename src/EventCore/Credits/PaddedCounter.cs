using System.Runtime.InteropServices;

namespace Qos.EventCore.Credits;

/// <summary>A shared counter alone on its 128 bytes, so the ports that update it do not disturb anything else.</summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct PaddedCounter
{
    [FieldOffset(128)]
    public long Value;
}
