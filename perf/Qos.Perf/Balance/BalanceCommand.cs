using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using Qos.Perf.Balance.Simulation;
using Qos.Perf.Cli;

namespace Qos.Perf.Balance;

/// <summary>
/// <c>balance</c>: judges the flow balancing policies in the deterministic virtual-time simulator
/// (<see cref="BalanceSimulator"/>), which drives the device's own policy objects and migration bookkeeping.
/// <c>--policy both</c> runs DSW-local and hierarchical on the same seed and prints them side by side;
/// <c>--plot out.png</c> (which runs both) draws per-worker load over time.
/// </summary>
public static class BalanceCommand
{
    public static int Run(Arguments args)
    {
        string policy = args.Text("policy") ?? "both";
        if (policy is not ("dsw" or "hierarchical" or "both"))
        {
            throw new UsageException($"--policy '{policy}' must be dsw, hierarchical or both");
        }

        var scenario = new BalanceScenario
        {
            Workers = (int)args.Whole("workers", 16, 2, 64),
            Domains = (int)args.Whole("domains", 4, 1, 64),
            Nodes = (int)args.Whole("nodes", 2, 1, 64),
            Flows = (int)args.Whole("flows", 4096, 2, 8192),
            Zipf = args.Number("zipf", 1.1, 0, 10),
            Load = args.Number("load", 0.8, 0.01, 1),
            FlowCap = args.Number("flow-cap", 0.25, 0.001, 1),
            ShiftFlows = (int)args.Whole("shift-flows", 8, 0, 8192),
            ShiftEveryNs = Duration(args, "shift-every", "200ms"),
            DurationNs = Duration(args, "duration", "5s"),
            WarmupNs = Duration(args, "warmup", "1s"),
            SampleNs = Duration(args, "sample", "10ms"),
            MigrationLatencyNs = Duration(args, "latency", "200us"),
            MigrationIntervalNs = Duration(args, "interval", "250us"),
            HoldDownNs = Duration(args, "hold-down", "100ms"),
            MaxMovesPerInterval = (int)args.Whole("max-moves", 16, 1, 1024),
            LoadHalfLifeNs = Duration(args, "half-life", "0ms"),
            Seed = args.Whole("seed", 1, 0, long.MaxValue),
        };
        bool json = args.Flag("json");
        bool withSeries = args.Flag("series");
        string? plot = args.Text("plot");
        args.EnsureAllUsed();
        if (scenario.Domains > scenario.Workers || scenario.Nodes > scenario.Domains)
        {
            throw new UsageException($"need nodes {scenario.Nodes} <= domains {scenario.Domains} <= workers {scenario.Workers}");
        }

        if (scenario.Flows * scenario.FlowCap < scenario.Load * scenario.Workers)
        {
            throw new UsageException($"--flows {scenario.Flows} x --flow-cap {scenario.FlowCap} cannot carry --load {scenario.Load} on {scenario.Workers} workers");
        }

        if (scenario.WarmupNs >= scenario.DurationNs || scenario.SampleNs < scenario.TickNs || scenario.ShiftEveryNs < scenario.TickNs)
        {
            throw new UsageException("--warmup must be shorter than --duration; --sample and --shift-every at least 50us");
        }

        string[] policies = policy == "both" || plot is not null ? ["dsw", "hierarchical"] : [policy];
        var results = new List<BalanceResult>();
        foreach (string name in policies)
        {
            results.Add(BalanceSimulator.Run(scenario with { Policy = name, KeepWorkerSeries = plot is not null }));
        }

        if (plot is not null)
        {
            BalancePlot.Save(results, plot);
        }

        Console.Write(json ? Json(results, withSeries) : Table(results));
        if (plot is not null && !json)
        {
            Console.WriteLine($"plot: {plot}");
        }

        return 0;
    }

    private static long Duration(Arguments args, string name, string defaultText)
    {
        string text = args.Text(name) ?? defaultText;
        (string unit, long scale) = text.EndsWith("ns", StringComparison.Ordinal) ? ("ns", 1L)
            : text.EndsWith("us", StringComparison.Ordinal) ? ("us", 1_000L)
            : text.EndsWith("ms", StringComparison.Ordinal) ? ("ms", 1_000_000L)
            : text.EndsWith('s') ? ("s", 1_000_000_000L)
            : throw new UsageException($"--{name} '{text}' needs a unit: ns, us, ms or s (e.g. 200ms)");
        if (!double.TryParse(text.AsSpan(0, text.Length - unit.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0 || value * scale > 3.6e12)
        {
            throw new UsageException($"--{name} '{text}' must be a duration from 0 to 3600s");
        }

        return (long)Math.Round(value * scale);
    }

    private static string Json(List<BalanceResult> results, bool withSeries)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            if (results.Count == 1)
            {
                results[0].WriteJson(json, withSeries);
            }
            else
            {
                json.WriteStartObject();
                json.WriteStartArray("runs");
                foreach (BalanceResult r in results)
                {
                    r.WriteJson(json, withSeries);
                }

                json.WriteEndArray();
                json.WriteNumber("cross_node_reduction", CrossNodeReduction(results));
                json.WriteEndObject();
            }
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    /// <summary>1 - hierarchical cross-node moves / DSW-local cross-node moves (0.5 = half as many).</summary>
    private static double CrossNodeReduction(List<BalanceResult> results)
    {
        BalanceResult? dsw = results.Find(r => r.Scenario.Policy == "dsw");
        BalanceResult? hierarchical = results.Find(r => r.Scenario.Policy == "hierarchical");
        return dsw is null || hierarchical is null || dsw.CrossNodeMoves == 0 ? 0 : 1 - (hierarchical.CrossNodeMoves / (double)dsw.CrossNodeMoves);
    }

    private static string Table(List<BalanceResult> results)
    {
        BalanceScenario s = results[0].Scenario;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"balance: {s.Workers} workers in {s.Domains} domains on {s.Nodes} nodes, {s.Flows} flows, zipf {s.Zipf} capped at {s.FlowCap} of a worker, load {s.Load}, {s.ShiftFlows} heavy flows shift every {s.ShiftEveryNs / 1e6} ms, {s.DurationNs / 1e9} s (warm-up {s.WarmupNs / 1e9} s), seed {s.Seed}");
        text.AppendLine("policy        max/mean p50   p99   max   recover ms mean/p50/max  unrec  moves/s  migr/s  x-domain  x-node  flap moves/flows  queued p99    max  overloaded");
        foreach (BalanceResult r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{r.Scenario.Policy,-13} {r.MaxOverMeanP50,12:F3} {r.MaxOverMeanP99,5:F3} {r.MaxOverMeanMax,5:F3}   {r.RecoveryMeanMs,6:F1} {r.RecoveryP50Ms,6:F1} {r.RecoveryMaxMs,6:F1}   {r.ShiftsNotRecovered,2}/{r.Shifts,-2} {r.MovesPerSecond,8:F0} {r.MigrationsPerSecond,7:F0} {r.CrossDomainMoves,9} {r.CrossNodeMoves,7} {r.FlappingMoves,10}/{r.FlappingFlows,-6} {r.QueuedEventsP99,10:F0} {r.QueuedEventsMax,6:F0} {r.OverloadedShare,10:P2}");
        }

        if (results.Count == 2)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"hierarchical vs dsw: cross-node moves {CrossNodeReduction(results):P0} fewer");
        }

        return text.ToString();
    }
}
