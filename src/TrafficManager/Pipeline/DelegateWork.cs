using System;

namespace Qos.TrafficManager.Pipeline;

/// <summary>A frame's work as a delegate.</summary>
public delegate WorkVerdict PacketWorkHandler(ref PacketContext context);

/// <summary>Per-packet work given as a delegate (an indirect call per frame; a struct <see cref="IPacketWork"/> is inlined).</summary>
public readonly struct DelegateWork : IPacketWork
{
    private readonly PacketWorkHandler _handler;

    /// <summary>Work that calls <paramref name="handler"/> for each frame.</summary>
    public DelegateWork(PacketWorkHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
    }

    /// <inheritdoc />
    public WorkVerdict Process(ref PacketContext context) => _handler(ref context);
}
