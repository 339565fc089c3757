using System;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Pipeline;

/// <summary>One frame as a worker sees it: its bytes, its metadata (path, egress port, flow) and the worker.</summary>
public ref struct PacketContext
{
    private readonly FramePool _pool;

    internal PacketContext(FramePool pool, int frame, int worker, int egressPorts)
    {
        _pool = pool;
        FrameIndex = frame;
        Worker = worker;
        EgressPortCount = egressPorts;
    }

    /// <summary>The frame's index in the pipeline's pool.</summary>
    public int FrameIndex { get; }

    /// <summary>The worker running the work, 0 to workers - 1.</summary>
    public int Worker { get; }

    /// <summary>Egress ports of the pipeline; <see cref="FrameMetadata.EgressPort"/> must stay below it.</summary>
    public int EgressPortCount { get; }

    /// <summary>The frame's bytes (its current length).</summary>
    public readonly Span<byte> Frame => _pool.Data(FrameIndex);

    /// <summary>The frame's metadata: the scheduler path (as a descriptor), the egress port, the flow.</summary>
    public readonly ref FrameMetadata Metadata => ref _pool.Metadata(FrameIndex);

    /// <summary>Sets the frame's length (up to the pool's frame size), after the work grew or shrank it.</summary>
    public readonly void SetLength(int length) => _pool.SetLength(FrameIndex, length);

    /// <summary>Re-routes the frame to <paramref name="egressPort"/> on <paramref name="path"/> (the path's handle is ignored).</summary>
    public readonly void Route(int egressPort, Packet path)
    {
        if ((uint)egressPort >= (uint)EgressPortCount)
        {
            throw new ArgumentOutOfRangeException(nameof(egressPort), egressPort, $"egressPort {egressPort} must be below the pipeline's {EgressPortCount} egress ports");
        }

        ref FrameMetadata metadata = ref Metadata;
        metadata.EgressPort = (byte)egressPort;
        metadata.Subport = (ushort)path.Subport;
        metadata.Pipe = (ushort)path.Pipe;
        metadata.TrafficClass = (byte)path.TrafficClass;
        metadata.Queue = (byte)path.BestEffortQueue;
        metadata.Color = path.Color;
    }
}
