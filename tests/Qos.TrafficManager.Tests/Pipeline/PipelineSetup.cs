using System;
using System.Collections.Generic;
using Qos.EventCore;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Pipeline;
using Qos.TrafficManager.Profiles;

namespace Qos.TrafficManager.Tests.Pipeline;

/// <summary>Profiles and options the pipeline tests share.</summary>
internal static class PipelineSetup
{
    /// <summary>A 10GbE port of 64 pipes that never limit: the pipe from the low 6 bits of the IPv4 destination,
    /// the class from DSCP, the best-effort queue from the flow hash.</summary>
    public const string Unshaped = """
        port: { rate: 10gbps, mtu: 1522, frame_overhead: 24 }
        subport_profiles:
          full: { rate: 10gbps, bucket: 1000000, tc_rates: 10gbps, tc_period: 10ms }
        pipe_profiles:
          full: { rate: 10gbps, bucket: 1000000, tc_rates: 10gbps, tc_period: 10ms, be_weight: 1, wrr_weights: [1, 1, 1, 1] }
        subports:
          - { profile: full, queue_sizes: 256, pipes: [ { count: 64, profile: full } ] }
        classifier:
          pipe:  { field: ipv4.dst, mask: 0x3f }
          tc:    { field: dscp, map: { 46: 0, 34: 1, 26: 2, 18: 3, 10: 4 }, default: 12 }
          queue: { field: flow_hash, mask: 3 }
        """;

    /// <summary>As <see cref="Unshaped"/>, but each pipe at 1 MB/s: the queues fill under any real load.</summary>
    public static readonly string Shaped = Unshaped.Replace("full: { rate: 10gbps, bucket: 1000000, tc_rates: 10gbps, tc_period: 10ms, be_weight", "full: { rate: 1000000, bucket: 100000, tc_rates: 1000000, tc_period: 10ms, be_weight", StringComparison.Ordinal);

    public static EgressPortOptions Port(string yaml, ITxQueue tx, IByteClock? clock = null)
    {
        TrafficManagerOptions options = ProfileLoader.ParseOptions(yaml);
        PortConfig config = options.ToPortConfig();
        return new EgressPortOptions { Config = config, Classifier = Classifier.Create(options.Classifier!, config), Tx = tx, Clock = clock };
    }

    public static PipelineOptions Options(IReadOnlyList<EgressPortOptions> ports, IFrameSource source, int workers, int seed, int poolFrames = 1 << 14, int orderFlows = 0,
        RxBackpressure backpressure = RxBackpressure.Drop) => new()
    {
        RxBackpressure = backpressure,
        Ports = ports,
        Source = source,
        Workers = workers,
        PoolFrames = poolFrames,
        OrderCheckFlows = orderFlows,
        Device = new EventDeviceConfig
        {
            MaxInflight = 2048,
            MigrationPolicy = new RandomMigrationPolicy(seed),
            MigrationIntervalMicroseconds = 50,
            MigrationHoldDownMicroseconds = 0,
            MaxMovesPerInterval = 64,
        },
    };

    /// <summary>Every frame that entered is accounted for exactly once, and every pool frame is free again.</summary>
    public static string Accounting(PipelineStats s) =>
        $"offered {s.Offered} = sent {s.Sent} + dropped {s.Drops.Total} (rx_no_buffer {s.Drops.RxNoBuffer}, rx_backpressure {s.Drops.RxBackpressure}, worker {s.Drops.Worker}, queue_full {s.Drops.QueueFull}, red {s.Drops.Red}, pie {s.Drops.Pie}) + flushed {s.Flushed}";
}
