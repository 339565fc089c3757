using System;
using System.Linq;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;

namespace Qos.TrafficManager.Tests.Conformance;

/// <summary>Small configurations for the specifications. Rates are in bytes per second of line time.</summary>
internal static class Profiles
{
    public const long Gigabit = 125_000_000;

    public static long[] Rates(long all) => Enumerable.Repeat(all, TrafficClass.Count).ToArray();

    public static SubportProfileConfig Subport(long rate, long bucket = 100_000, long[]? classRates = null, long periodMs = 10) =>
        new() { Name = "subport", Rate = rate, BucketSize = bucket, ClassRates = classRates ?? Rates(rate), ClassPeriodMilliseconds = periodMs };

    public static PipeProfileConfig Pipe(long rate, long bucket = 10_000, long[]? classRates = null, long periodMs = 10, int weight = 1, int[]? wrr = null) =>
        new()
        {
            Name = $"pipe{rate}", Rate = rate, BucketSize = bucket, ClassRates = classRates ?? Rates(rate), ClassPeriodMilliseconds = periodMs,
            OversubscriptionWeight = weight, WrrWeights = wrr ?? [1, 1, 1, 1],
        };

    public static PortConfig Port(long rate, SubportProfileConfig subport, PipeProfileConfig[] pipes, PipeGroup[] groups, int queueSize = 64, bool oversubscription = false) =>
        new()
        {
            Rate = rate,
            TxLead = 1,
            SubportProfiles = [subport],
            PipeProfiles = pipes,
            Subports = [new SubportConfig { Profile = 0, QueueSizes = Enumerable.Repeat(queueSize, TrafficClass.Count).ToArray(), Pipes = groups, Oversubscription = oversubscription }],
        };

    /// <summary>Line time for <paramref name="seconds"/> at <paramref name="rate"/>.</summary>
    public static long Seconds(double seconds, long rate) => (long)Math.Round(seconds * rate);
}
