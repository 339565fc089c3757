using System;
using System.Buffers.Binary;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Qos.Shaping.Randomness;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;

namespace Qos.Benchmarks.Classification;

/// <summary>
/// Classification of 64-byte IPv4/UDP frames, a rule list of 2 or 32 rules that the traffic does not match, and an
/// offload table of 4096 entries: no table (every frame on the rule path), the table without rebalancing, and with
/// it. Three kinds of traffic (<see cref="Traffic"/>): <c>Skewed</c>, 1 million flows of which 2048 (0.2%) carry 90%
/// of the packets, the heavy set moving to other flows every 2^21 packets (the OVS case: flows offloaded first turn
/// slow, later ones turn fast); <c>Uniform</c>, 65,536 flows of equal rate (DPDK qos_sched's capture: at most 1 in
/// 16 frames can hit, misses dominate); <c>Resident</c>, 2048 flows of equal rate, all of which fit (every frame
/// after the first of its flow hits: the cost of a hit). Virtual time moves 100 ns per frame (10 Mpps); interval
/// 10 ms, at most 1024 swaps per interval. The table's hit rate over the measured run is printed at cleanup
/// ("hit rate").
/// </summary>
[MemoryDiagnoser]
public class OffloadBenchmarks
{
    private const int SkewedFlows = 1 << 20;
    private const int UniformFlows = 1 << 16;
    private const int ResidentFlows = 2048;
    private const int HeavyFlows = 2048;
    private const int Sequence = 1 << 23;
    private const int Epoch = 1 << 21;
    private const int Batch = 1 << 16;
    private const long NanosPerFrame = 100;

    private readonly byte[] _frame = new byte[64];
    private int[] _flows = null!;
    private Classifier _classifier = null!;
    private int _position;
    private long _now;
    private OffloadStats _start;

    public enum Table
    {
        None,
        NoRebalance,
        Rebalance,
    }

    public enum Traffic
    {
        Skewed,
        Uniform,
        Resident,
    }

    [Params(Table.None, Table.NoRebalance, Table.Rebalance)]
    public Table Mode { get; set; }

    /// <summary>Rules on the slow path before the field mapping (none of them matches this traffic).</summary>
    [Params(2, 32)]
    public int Rules { get; set; }

    [Params(Traffic.Skewed, Traffic.Uniform, Traffic.Resident)]
    public Traffic Flows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Xorshift32(12345);
        _flows = new int[Sequence];
        for (int i = 0; i < Sequence; i++)
        {
            int epoch = i / Epoch;
            bool heavy = rng.Next() % 10 != 0;
            _flows[i] = Flows switch
            {
                Traffic.Uniform => (int)(rng.Next() % UniformFlows),
                Traffic.Resident => (int)(rng.Next() % ResidentFlows),
                _ => heavy
                    ? (int)(((uint)epoch * 7919u * HeavyFlows + (rng.Next() % HeavyFlows)) % SkewedFlows)
                    : (int)(rng.Next() % SkewedFlows),
            };
        }

        // Ethernet + IPv4 (total length 50) + UDP to 10.1.x.x: 1234 → 80, DSCP 0.
        byte[] template =
        [
            2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
            0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 0, 10, 1, 2, 3,
            0x04, 0xD2, 0, 80, 0, 30, 0, 0,
        ];
        template.CopyTo(_frame, 0);
        var options = new ClassifierOptions
        {
            Pipe = new FieldMappingOptions { Field = "ipv4.src", Mask = 0xFFF },
            TrafficClass = new FieldMappingOptions { Field = "dscp", Map = new System.Collections.Generic.Dictionary<ulong, int> { [46] = 0, [0] = 12 }, Default = 12 },
            Queue = new FieldMappingOptions { Field = "flow_hash", Mask = 3 },
            Offload = new OffloadOptions
            {
                Entries = Mode == Table.None ? 0 : 4096,
                Rebalance = Mode == Table.Rebalance,
                Interval = TimeSpan.FromMilliseconds(10),
                MaxSwaps = 1024,
            },
        };
        for (int r = 0; r < Rules; r++)
        {
            options.Rules.Add(r % 2 == 0
                ? new ClassifierRuleOptions { Ipv4Destination = $"192.168.{r}.0/24", DestinationPort = "5060-5061", Protocol = 17, Path = new ClassifierPathOptions { Pipe = r, TrafficClass = 3 } }
                : new ClassifierRuleOptions { Ipv4Source = $"172.16.{r}.0/24", Path = new ClassifierPathOptions { Pipe = r, TrafficClass = 4 } });
        }
        _classifier = Classifier.Create(options, Port());

        // Warm up through two epochs so that the measured runs see the steady state.
        for (int i = 0; i < 2 * Epoch / Batch; i++)
        {
            Classify();
        }

        _start = _classifier.ReadStats().Offload;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var s = _classifier.ReadStats().Offload;
        long lookups = s.Lookups - _start.Lookups;
        double hitRate = lookups == 0 ? 0 : (double)(s.Hits - _start.Hits) / lookups;
        Console.WriteLine($"// {Mode}/{Rules}/{Flows}: hit rate {hitRate:P2} over {lookups} frames, swaps {s.Swaps}, promotions {s.Promotions}, offloaded {s.Offloaded}, pending {s.Pending}, out of resources {s.OutOfResources}");
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Classify()
    {
        int sum = 0;
        var frame = _frame.AsSpan();
        int position = _position;
        long now = _now;
        for (int i = 0; i < Batch; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame.Slice(26), 0x0A000000u | (uint)_flows[position]);
            position = (position + 1) & (Sequence - 1);
            now += NanosPerFrame;
            sum += _classifier.Classify(frame, now).Pipe;
        }

        _position = position;
        _now = now;
        return sum;
    }

    private static PortConfig Port() => new()
    {
        Rate = 1_250_000_000,
        SubportProfiles = [new SubportProfileConfig { Rate = 1_250_000_000, BucketSize = 1_000_000, ClassRates = Enumerable.Repeat(1_250_000_000L, 13).ToArray(), ClassPeriodMilliseconds = 10 }],
        PipeProfiles = [new PipeProfileConfig { Rate = 305_000, BucketSize = 1_000_000, ClassRates = Enumerable.Repeat(305_000L, 13).ToArray(), ClassPeriodMilliseconds = 40, OversubscriptionWeight = 1, WrrWeights = [1, 1, 1, 1] }],
        Subports = [new SubportConfig { Profile = 0, QueueSizes = Enumerable.Repeat(64, 13).ToArray(), Pipes = [new PipeGroup(4096, 0)] }],
    };
}
