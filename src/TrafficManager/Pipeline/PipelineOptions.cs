using System;
using System.Collections.Generic;
using Qos.EventCore;

namespace Qos.TrafficManager.Pipeline;

/// <summary>What a <see cref="PacketPipeline{TWork}"/> runs: a source, workers, egress ports.</summary>
public sealed record PipelineOptions
{
    /// <summary>The egress ports, at least one; a frame's port comes from <see cref="SelectPort"/> or its work.</summary>
    public required IReadOnlyList<EgressPortOptions> Ports { get; init; }

    /// <summary>Where frames come from (run on the RX thread).</summary>
    public required IFrameSource Source { get; init; }

    /// <summary>Worker threads on the atomic queue, 0 to 60. 0: the work runs on the RX thread, which then sends to
    /// the egress ports directly (two threads in all for one port).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Frames in the pool (every frame in the pipeline holds one: in the event device, the schedulers'
    /// queues and the TX queues).</summary>
    public int PoolFrames { get; init; } = 1 << 16;

    /// <summary>Bytes per frame buffer (a multiple of 64, at least every port's MTU).</summary>
    public int FrameSize { get; init; } = FramePool.DefaultFrameSize;

    /// <summary>Picks each frame's egress port at RX; <c>null</c>: port 0 with one port, else the flow id modulo
    /// the port count.</summary>
    public PortSelector? SelectPort { get; init; }

    /// <summary>What RX does when the event device refuses a burst: drop it (default) or wait.</summary>
    public RxBackpressure RxBackpressure { get; init; } = RxBackpressure.Drop;

    /// <summary>Events per burst at every stage (1 to 256).</summary>
    public int Burst { get; init; } = 32;

    /// <summary>Tuning of the event device (credits, migration, policy). The pipeline sets the ports and queues:
    /// port 0 RX, then the workers, then one per egress port; queue 0 atomic (workers), then one single-link queue
    /// per egress port.</summary>
    public EventDeviceConfig Device { get; init; } = new();

    /// <summary>Check per-flow order at the TX queues for frames whose source numbers its flows
    /// (<see cref="FrameMetadata.SourceFlow"/> 1 to this, with <see cref="FrameMetadata.Sequence"/>); 0: off.</summary>
    public int OrderCheckFlows { get; init; }

    internal void Validate()
    {
        if (Ports is null || Ports.Count == 0)
        {
            throw new ArgumentException("Ports: a pipeline needs at least one egress port", nameof(Ports));
        }

        ArgumentNullException.ThrowIfNull(Source, nameof(Source));
        ArgumentNullException.ThrowIfNull(Device, nameof(Device));
        Check(Workers, 0, EventDeviceConfig.MaxPorts - 1 - Ports.Count, nameof(Workers));
        Check(Ports.Count, 1, EventDeviceConfig.MaxQueues - 1, nameof(Ports) + ".Count");
        Check(Burst, 1, 256, nameof(Burst));
        if (Burst > Device.EffectiveNewEventThreshold)
        {
            // Why: RX sends a burst of new events at once; one above the threshold would be refused every time.
            throw new ArgumentOutOfRangeException(nameof(Burst), Burst, $"Burst {Burst} must not exceed the event device's new-event threshold {Device.EffectiveNewEventThreshold} (Device.NewEventThreshold, or 3/4 of Device.MaxInflight)");
        }
        Check(OrderCheckFlows, 0, 1 << 24, nameof(OrderCheckFlows));
        if (!Enum.IsDefined(RxBackpressure))
        {
            throw new ArgumentOutOfRangeException(nameof(RxBackpressure), RxBackpressure, $"RxBackpressure {(int)RxBackpressure} is not Drop or Wait");
        }
        for (int p = 0; p < Ports.Count; p++)
        {
            EgressPortOptions port = Ports[p] ?? throw new ArgumentException($"Ports[{p}] is null", nameof(Ports));
            if (port.Config.Mtu > FrameSize)
            {
                throw new ArgumentOutOfRangeException(nameof(FrameSize), FrameSize, $"FrameSize {FrameSize} must hold Ports[{p}]'s MTU {port.Config.Mtu}");
            }

            if (port.Clock is not null && port.Clock.PortRate != port.Config.Rate)
            {
                throw new ArgumentException($"Ports[{p}].Clock counts at {port.Clock.PortRate} bytes/s, not the port's rate {port.Config.Rate}", nameof(Ports));
            }
        }
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} {value} must be from {min} to {max}");
        }
    }
}
