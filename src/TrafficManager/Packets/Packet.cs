using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Qos.Shaping.Congestion;
using Tc = Qos.Shaping.TrafficClasses.TrafficClass;

namespace Qos.TrafficManager.Packets;

/// <summary>
/// A packet as the scheduler sees it: 16 bytes, copied into and out of the queues by value. The scheduler
/// never touches payload bytes; <see cref="Handle"/> is the application's reference to them.
/// </summary>
/// <remarks>
/// The path is packed as <c>subport (12 bits) | pipe (16 bits) | queue (4 bits)</c>, where the queue is the
/// pipe queue index 0..15 (classes 0..11, then the 4 best-effort queues).
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public readonly struct Packet
{
    /// <summary>Subports a port can have (12 bits of the path).</summary>
    public const int MaxSubports = 1 << 12;

    /// <summary>Pipes a subport can have (16 bits of the path).</summary>
    public const int MaxPipesPerSubport = 1 << 16;

    private readonly ulong _handle;
    private readonly uint _path;
    private readonly ushort _length;
    private readonly byte _color;
    private readonly byte _reserved;

    private Packet(ulong handle, uint path, ushort length, PacketColor color)
    {
        _handle = handle;
        _path = path;
        _length = length;
        _color = (byte)color;
        _reserved = 0;
    }

    /// <summary>Creates a descriptor.</summary>
    /// <remarks>
    /// Every argument must fit its field exactly; whether the port has that subport, pipe or class, and whether the
    /// length is within its MTU, is checked by <see cref="PortScheduler.Enqueue(System.ReadOnlySpan{Packet})"/>.
    /// </remarks>
    /// <param name="handle">The application's reference to the packet (buffer index, pointer, ...).</param>
    /// <param name="length">Frame length in bytes, without the frame overhead (0..65535).</param>
    /// <param name="subport">Subport index (0..4095).</param>
    /// <param name="pipe">Pipe index within the subport (0..65535).</param>
    /// <param name="trafficClass">Traffic class 0..12.</param>
    /// <param name="queue">Best-effort queue 0..3 for class 12, 0 otherwise.</param>
    /// <param name="color">Colour for WRED.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument does not fit its field; the exception names it.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Packet Create(ulong handle, int length, int subport, int pipe, int trafficClass, int queue = 0, PacketColor color = PacketColor.Green)
    {
        // Why: one branch for the common case (non-short-circuit ORs of unsigned compares); the slow path finds
        // which argument is wrong. A value truncated into its bit field would silently name another queue.
        uint maxQueue = trafficClass == Tc.BestEffort ? Tc.BestEffortQueues - 1 : 0u;
        if (((uint)length > ushort.MaxValue) | ((uint)subport >= MaxSubports) | ((uint)pipe >= MaxPipesPerSubport)
            | ((uint)trafficClass >= Tc.Count) | ((uint)queue > maxQueue) | (color > PacketColor.Red))
        {
            ThrowOutOfRange(length, subport, pipe, trafficClass, queue, color);
        }

        uint path = ((uint)subport << 20) | ((uint)pipe << 4) | (uint)Tc.QueueIndex(trafficClass, queue);
        Debug.Assert((path >> 20) == (uint)subport && ((path >> 4) & 0xFFFF) == (uint)pipe, "every field keeps its value");
        return new Packet(handle, path, (ushort)length, color);
    }

    /// <summary>The application's handle.</summary>
    public ulong Handle => _handle;

    /// <summary>Frame length in bytes, without the frame overhead.</summary>
    public int Length => _length;

    /// <summary>Colour for WRED.</summary>
    public PacketColor Color => (PacketColor)_color;

    /// <summary>Subport index.</summary>
    public int Subport => (int)(_path >> 20);

    /// <summary>Pipe index within the subport.</summary>
    public int Pipe => (int)((_path >> 4) & 0xFFFF);

    /// <summary>Pipe queue index 0..15.</summary>
    public int QueueIndex => (int)(_path & 0xF);

    /// <summary>Traffic class 0..12.</summary>
    public int TrafficClass => Tc.OfQueue(QueueIndex);

    /// <summary>Best-effort queue 0..3 (0 for the strict classes).</summary>
    public int BestEffortQueue => QueueIndex < Tc.BestEffort ? 0 : QueueIndex - Tc.BestEffort;

    /// <summary>The packed path.</summary>
    internal uint Path
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _path;
    }

    /// <summary>The same packet sent to another path: a new descriptor with the handle, length and colour kept.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An argument does not fit its field, as for <see cref="Create"/>.</exception>
    public Packet WithPath(int subport, int pipe, int trafficClass, int queue = 0) =>
        Create(_handle, _length, subport, pipe, trafficClass, queue, (PacketColor)_color);

    /// <summary>Names the first argument of <see cref="Create"/> that does not fit. Why: out of line, so the hot path is one branch.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOutOfRange(int length, int subport, int pipe, int trafficClass, int queue, PacketColor color)
    {
        if ((uint)length > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"length ({length}) must be 0..{ushort.MaxValue} bytes");
        }

        if ((uint)subport >= MaxSubports)
        {
            throw new ArgumentOutOfRangeException(nameof(subport), subport, $"subport ({subport}) must be 0..{MaxSubports - 1}");
        }

        if ((uint)pipe >= MaxPipesPerSubport)
        {
            throw new ArgumentOutOfRangeException(nameof(pipe), pipe, $"pipe ({pipe}) must be 0..{MaxPipesPerSubport - 1}");
        }

        if ((uint)trafficClass >= Tc.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(trafficClass), trafficClass, $"traffic class ({trafficClass}) must be 0..{Tc.Count - 1}");
        }

        if (trafficClass == Tc.BestEffort && (uint)queue >= Tc.BestEffortQueues)
        {
            throw new ArgumentOutOfRangeException(nameof(queue), queue, $"queue ({queue}) must be 0..{Tc.BestEffortQueues - 1} for best effort (class {Tc.BestEffort})");
        }

        if (trafficClass != Tc.BestEffort && queue != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(queue), queue, $"queue ({queue}) must be 0 for classes 0..{Tc.StrictPriorityCount - 1} (one queue each)");
        }

        Debug.Assert(color > PacketColor.Red, "only the colour is left");
        throw new ArgumentOutOfRangeException(nameof(color), (int)color, $"colour ({(int)color}) must be Green, Yellow or Red");
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"packet {_handle}: {Length} B to subport {Subport} pipe {Pipe} class {TrafficClass} queue {BestEffortQueue} ({Color})";
}
