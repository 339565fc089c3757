using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Qos.Perf.Balance.Simulation;

/// <summary>One sample window of a simulation.</summary>
/// <param name="TimeSeconds">End of the window.</param>
/// <param name="MaxOverMean">Highest worker load over the mean worker load, loads averaged over the window.</param>
/// <param name="MovesPerSecond">Flows moved in the window, per second.</param>
/// <param name="QueuedEvents">Events waiting at the end of the window, all workers.</param>
/// <param name="WorkerLoads">Each worker's offered load over the window (share of its capacity), when kept.</param>
public sealed record BalanceSample(double TimeSeconds, double MaxOverMean, double MovesPerSecond, double QueuedEvents, double[]? WorkerLoads);

/// <summary>What a simulation measured; figures after warm-up unless named otherwise.</summary>
public sealed class BalanceResult
{
    public required BalanceScenario Scenario { get; init; }

    public required double MaxOverMeanP50 { get; init; }

    public required double MaxOverMeanP99 { get; init; }

    public required double MaxOverMeanMax { get; init; }

    /// <summary>Per shift after warm-up: ms until the instantaneous max/mean is back at or below 1.10 (0 if it never left).</summary>
    public required double RecoveryMeanMs { get; init; }

    public required double RecoveryP50Ms { get; init; }

    public required double RecoveryMaxMs { get; init; }

    /// <summary>Shifts after which max/mean was still above 1.10 when the next shift came.</summary>
    public required int ShiftsNotRecovered { get; init; }

    public required int Shifts { get; init; }

    public required long Moves { get; init; }

    public required long CrossDomainMoves { get; init; }

    public required long CrossNodeMoves { get; init; }

    public required double MovesPerSecond { get; init; }

    public required double MigrationsPerSecond { get; init; }

    /// <summary>Moves of a flow that had already moved less than a second before.</summary>
    public required long FlappingMoves { get; init; }

    /// <summary>Distinct flows moved more than once within a second.</summary>
    public required int FlappingFlows { get; init; }

    public required double QueuedEventsMean { get; init; }

    public required double QueuedEventsP99 { get; init; }

    public required double QueuedEventsMax { get; init; }

    /// <summary>Share of worker-samples offered more than the worker's capacity.</summary>
    public required double OverloadedShare { get; init; }

    public required IReadOnlyList<BalanceSample> Series { get; init; }

    public void WriteJson(Utf8JsonWriter json, bool includeSeries)
    {
        BalanceScenario s = Scenario;
        json.WriteStartObject();
        json.WriteString("policy", s.Policy);
        json.WriteStartObject("scenario");
        json.WriteNumber("workers", s.Workers);
        json.WriteNumber("domains", s.Domains);
        json.WriteNumber("nodes", s.Nodes);
        json.WriteNumber("flows", s.Flows);
        json.WriteNumber("zipf", s.Zipf);
        json.WriteNumber("load", s.Load);
        json.WriteNumber("flow_cap", s.FlowCap);
        json.WriteNumber("shift_flows", s.ShiftFlows);
        json.WriteNumber("shift_every_ms", s.ShiftEveryNs / 1e6);
        json.WriteNumber("duration_s", s.DurationNs / 1e9);
        json.WriteNumber("warmup_s", s.WarmupNs / 1e9);
        json.WriteNumber("sample_ms", s.SampleNs / 1e6);
        json.WriteNumber("seed", s.Seed);
        json.WriteNumber("migration_latency_us", s.MigrationLatencyNs / 1e3);
        json.WriteNumber("migration_interval_ms", s.MigrationIntervalNs / 1e6);
        json.WriteNumber("hold_down_ms", s.HoldDownNs / 1e6);
        json.WriteNumber("max_moves_per_interval", s.MaxMovesPerInterval);
        json.WriteEndObject();
        json.WriteNumber("max_over_mean_p50", MaxOverMeanP50);
        json.WriteNumber("max_over_mean_p99", MaxOverMeanP99);
        json.WriteNumber("max_over_mean_max", MaxOverMeanMax);
        json.WriteNumber("recovery_mean_ms", RecoveryMeanMs);
        json.WriteNumber("recovery_p50_ms", RecoveryP50Ms);
        json.WriteNumber("recovery_max_ms", RecoveryMaxMs);
        json.WriteNumber("shifts", Shifts);
        json.WriteNumber("shifts_not_recovered", ShiftsNotRecovered);
        json.WriteNumber("moves", Moves);
        json.WriteNumber("moves_per_s", MovesPerSecond);
        json.WriteNumber("migrations_per_s", MigrationsPerSecond);
        json.WriteNumber("cross_domain_moves", CrossDomainMoves);
        json.WriteNumber("cross_node_moves", CrossNodeMoves);
        json.WriteNumber("flapping_moves", FlappingMoves);
        json.WriteNumber("flapping_flows", FlappingFlows);
        json.WriteNumber("queued_events_mean", QueuedEventsMean);
        json.WriteNumber("queued_events_p99", QueuedEventsP99);
        json.WriteNumber("queued_events_max", QueuedEventsMax);
        json.WriteNumber("overloaded_share", OverloadedShare);
        if (includeSeries)
        {
            json.WriteStartArray("series");
            foreach (BalanceSample sample in Series)
            {
                json.WriteStartObject();
                json.WriteNumber("t", sample.TimeSeconds);
                json.WriteNumber("max_over_mean", sample.MaxOverMean);
                json.WriteNumber("moves_per_s", sample.MovesPerSecond);
                json.WriteNumber("queued_events", sample.QueuedEvents);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    public string ToJson(bool includeSeries)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            WriteJson(json, includeSeries);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
