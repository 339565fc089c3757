using System;
using System.Collections.Generic;
using Qos.EventCore;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Pipeline;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// A pipeline profile, checked (<see cref="PipelineProfileLoader"/>): the pipeline's settings (<c>pipeline</c>) and its
/// egress ports (<c>ports</c>), each with its hierarchy and classifier. <see cref="ToOptions"/> adds what YAML cannot
/// say (the frame source, the TX queues, the clocks) and gives the <see cref="PipelineOptions"/> of a
/// <see cref="PacketPipeline{TWork}"/>. A setting the profile leaves out is null and takes
/// <see cref="PipelineOptions"/>' default.
/// </summary>
public sealed class PipelineProfile
{
    internal PipelineProfile(PipelineDocument document, IReadOnlyList<PipelinePortProfile> ports)
    {
        Ports = ports;
        Workers = document.Workers;
        Burst = document.Burst;
        PoolFrames = document.PoolFrames;
        FrameSize = document.FrameSize;
        RxBackpressure = document.RxBackpressure;
        MaxInflight = document.MaxInflight;
    }

    /// <summary>The egress ports, 1 to 15, in <c>ports</c> order.</summary>
    public IReadOnlyList<PipelinePortProfile> Ports { get; }

    /// <summary>Worker threads (<c>pipeline.workers</c>, see <see cref="PipelineOptions.Workers"/>).</summary>
    public int? Workers { get; }

    /// <summary>Events per burst (<c>pipeline.burst</c>, see <see cref="PipelineOptions.Burst"/>).</summary>
    public int? Burst { get; }

    /// <summary>Frames in the pool (<c>pipeline.pool_frames</c>, see <see cref="PipelineOptions.PoolFrames"/>).</summary>
    public int? PoolFrames { get; }

    /// <summary>Bytes per frame buffer (<c>pipeline.frame_size</c>, see <see cref="PipelineOptions.FrameSize"/>).</summary>
    public int? FrameSize { get; }

    /// <summary>What RX does when the event device refuses a burst (<c>pipeline.rx_backpressure</c>: drop or wait).</summary>
    public RxBackpressure? RxBackpressure { get; }

    /// <summary>The event device's credits (<c>pipeline.max_inflight</c>, see <see cref="EventDeviceConfig.MaxInflight"/>).</summary>
    public int? MaxInflight { get; }

    /// <summary>
    /// The options of a pipeline that runs this profile. Each port gets a classifier compiled anew (two pipelines built
    /// from one profile share none), and the TX queue and clock the factories give for its index and hierarchy.
    /// </summary>
    /// <param name="source">Where the pipeline's frames come from.</param>
    /// <param name="txFactory">The TX queue of port <c>i</c> (its index and hierarchy given); called once per port, in order.</param>
    /// <param name="clockFactory">The clock of port <c>i</c>, or null for real time at the port rate; null: real time everywhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="txFactory"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="txFactory"/> gave no TX queue.</exception>
    public PipelineOptions ToOptions(IFrameSource source, Func<int, PortConfig, ITxQueue> txFactory, Func<int, PortConfig, IByteClock?>? clockFactory = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(txFactory);
        var ports = new EgressPortOptions[Ports.Count];
        for (int p = 0; p < ports.Length; p++)
        {
            PipelinePortProfile port = Ports[p];
            ports[p] = new EgressPortOptions
            {
                Config = port.Config,
                Classifier = Classifier.Create(port.Options.Classifier!, port.Config),
                Tx = txFactory(p, port.Config) ?? throw new ArgumentException($"txFactory gave no TX queue for port {p}", nameof(txFactory)),
                Clock = clockFactory?.Invoke(p, port.Config),
            };
        }

        // Why through a default instance: what the profile leaves out keeps PipelineOptions' own defaults, stated once.
        var options = new PipelineOptions { Ports = ports, Source = source };
        return options with
        {
            Workers = Workers ?? options.Workers,
            Burst = Burst ?? options.Burst,
            PoolFrames = PoolFrames ?? options.PoolFrames,
            FrameSize = FrameSize ?? options.FrameSize,
            RxBackpressure = RxBackpressure ?? options.RxBackpressure,
            Device = MaxInflight is { } credits ? new EventDeviceConfig { MaxInflight = credits } : options.Device,
        };
    }
}
