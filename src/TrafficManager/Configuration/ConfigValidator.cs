using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using Qos.Shaping.Clock;
using Qos.Shaping.TokenBucket;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Configuration;

/// <summary>
/// Checks a <see cref="PortConfig"/> against every rule the scheduler relies on and names the first broken one.
/// Field paths use the profile file's names (<c>subports[0].queue_sizes[12]</c>) so that the YAML loader can
/// point at the line they came from.
/// </summary>
internal static class ConfigValidator
{
    public const int MaxQueueSize = 1 << 15;
    public const long MaxClassPeriodMilliseconds = 10_000;

    /// <summary>Pipes over all subports. Why: a queue is indexed <c>pipe × 16 + queue</c> in an int, so pipes stay below 2^27.</summary>
    public const int MaxPipesPerPort = 1 << 27;

    public static void Validate(PortConfig config)
    {
        if (config.Rate <= 0)
        {
            Fail("port.rate", config.Rate, "must be positive (bytes per second)");
        }

        if (config.Mtu < 64 || config.Mtu > ushort.MaxValue)
        {
            Fail("port.mtu", config.Mtu, "must be between 64 and 65535 bytes");
        }

        if (config.FrameOverhead < 0 || config.FrameOverhead > 1024)
        {
            Fail("port.frame_overhead", config.FrameOverhead, "must be between 0 and 1024 bytes");
        }

        if (config.TxLead < 0)
        {
            Fail("port.tx_lead", config.TxLead, "must not be negative");
        }

        long frame = (long)config.Mtu + config.FrameOverhead;
        if (config.SubportProfiles.Count == 0)
        {
            Fail("subport_profiles", 0, "at least one subport profile is needed");
        }

        if (config.PipeProfiles.Count == 0)
        {
            Fail("pipe_profiles", 0, "at least one pipe profile is needed");
        }

        for (int i = 0; i < config.SubportProfiles.Count; i++)
        {
            var p = config.SubportProfiles[i];
            string at = $"subport_profiles[{i}]";
            CheckNode(at, "subport", p.Rate, p.BucketSize, p.ClassRates, p.ClassPeriodMilliseconds, config.Rate, frame);
        }

        for (int i = 0; i < config.PipeProfiles.Count; i++)
        {
            var p = config.PipeProfiles[i];
            string at = $"pipe_profiles[{i}]";
            CheckNode(at, "pipe", p.Rate, p.BucketSize, p.ClassRates, p.ClassPeriodMilliseconds, config.Rate, frame);
            if (p.OversubscriptionWeight < 1 || p.OversubscriptionWeight > 255)
            {
                Fail($"{at}.be_weight", p.OversubscriptionWeight, "must be between 1 and 255");
            }

            if (p.WrrWeights.Count != TrafficClass.BestEffortQueues)
            {
                Fail($"{at}.wrr_weights", p.WrrWeights.Count, $"must list exactly {TrafficClass.BestEffortQueues} weights");
            }

            for (int q = 0; q < p.WrrWeights.Count; q++)
            {
                if (p.WrrWeights[q] < 1 || p.WrrWeights[q] > 255)
                {
                    Fail($"{at}.wrr_weights[{q}]", p.WrrWeights[q], "must be between 1 and 255");
                }
            }
        }

        if (config.Subports.Count == 0 || config.Subports.Count > Packet.MaxSubports)
        {
            Fail("subports", config.Subports.Count, $"a port needs between 1 and {Packet.MaxSubports} subports");
        }

        long pipes = 0;
        for (int s = 0; s < config.Subports.Count; s++)
        {
            pipes += CheckSubport(config, s);
        }

        if (pipes > MaxPipesPerPort)
        {
            Fail("subports", pipes, $"a port has at most {MaxPipesPerPort} pipes over all its subports (2^27: queue indices are 32-bit)");
        }
    }

    private static void CheckNode(string at, string node, long rate, long bucket, IReadOnlyList<long> classRates, long periodMs, long portRate, long frame)
    {
        if (rate <= 0 || rate > portRate)
        {
            Fail($"{at}.rate", rate, $"must be positive and at most the port rate {portRate} B/s");
        }

        if (bucket < frame || bucket > TokenBucketProfile.MaxSize)
        {
            Fail($"{at}.bucket", bucket, $"must hold at least one frame ({frame} B: MTU + frame overhead) and at most {TokenBucketProfile.MaxSize} B");
        }

        if ((System.Int128)rate * TokenBucketProfile.PeriodBound(bucket) < portRate)
        {
            Fail($"{at}.rate", rate, $"is too small to represent against the port rate {portRate} B/s");
        }

        if (classRates.Count != TrafficClass.Count)
        {
            Fail($"{at}.tc_rates", classRates.Count, $"must list exactly {TrafficClass.Count} class rates");
        }

        for (int tc = 0; tc < classRates.Count; tc++)
        {
            if (classRates[tc] < 0 || classRates[tc] > rate)
            {
                Fail($"{at}.tc_rates[{tc}]", classRates[tc], $"must be between 0 and the {node} rate {rate} B/s");
            }
        }

        if (periodMs < 1 || periodMs > MaxClassPeriodMilliseconds)
        {
            Fail($"{at}.tc_period", periodMs, $"must be between 1 and {MaxClassPeriodMilliseconds} ms");
        }

        for (int tc = 0; tc < classRates.Count; tc++)
        {
            // Why: class credits are reset, not accumulated, each period; a class that gets less than one frame
            // per period can never send an MTU packet, which then blocks its queue forever (never sent, never dropped).
            long credit = classRates[tc] == 0 ? frame : LineTime.FromMilliseconds(periodMs, classRates[tc]);
            if (credit < frame)
            {
                Fail($"{at}.tc_rates[{tc}]", classRates[tc], TooSlowForOneFrame(tc, credit, classRates[tc], periodMs, frame));
            }
        }
    }

    private static string TooSlowForOneFrame(int tc, long credit, long rate, long periodMs, long frame)
    {
        long minRate = CeilingDivide(frame * 1000, periodMs);
        long minPeriod = CeilingDivide(frame * 1000, rate);
        string period = minPeriod <= MaxClassPeriodMilliseconds
            ? $", or a tc_period of at least {minPeriod} ms at this rate"
            : $"; no tc_period up to {MaxClassPeriodMilliseconds} ms is long enough at this rate";
        return $"class {tc} gets {credit} B per {periodMs} ms period, less than one frame ({frame} B: MTU + frame overhead), " +
            $"so an MTU packet could never be sent: it needs at least {minRate} B/s at this period{period}";
    }

    private static long CeilingDivide(long dividend, long divisor) => (dividend + divisor - 1) / divisor;

    /// <summary>Checks subport <paramref name="s"/> and returns its number of pipes.</summary>
    private static long CheckSubport(PortConfig config, int s)
    {
        var sub = config.Subports[s];
        string at = $"subports[{s}]";
        if ((uint)sub.Profile >= (uint)config.SubportProfiles.Count)
        {
            Fail($"{at}.profile", sub.Profile, $"no such subport profile (there are {config.SubportProfiles.Count})");
        }

        if (sub.QueueSizes.Count != TrafficClass.Count)
        {
            Fail($"{at}.queue_sizes", sub.QueueSizes.Count, $"must list exactly {TrafficClass.Count} queue sizes");
        }

        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            int size = sub.QueueSizes[tc];
            if (size < 0 || size > MaxQueueSize || (size != 0 && !BitOperations.IsPow2(size)))
            {
                Fail($"{at}.queue_sizes[{tc}]", size, $"must be 0 (class off) or a power of two up to {MaxQueueSize}");
            }
        }

        if (sub.QueueSizes[TrafficClass.BestEffort] == 0)
        {
            Fail($"{at}.queue_sizes[{TrafficClass.BestEffort}]", 0, "the best-effort class cannot be disabled");
        }

        var subportProfile = config.SubportProfiles[sub.Profile];
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            if (sub.QueueSizes[tc] != 0 && subportProfile.ClassRates[tc] == 0)
            {
                Fail($"subport_profiles[{sub.Profile}].tc_rates[{tc}]", 0, $"class {tc} is enabled in {at} and needs a positive rate");
            }
        }

        if (sub.Pipes.Count == 0)
        {
            Fail($"{at}.pipes", 0, "a subport needs at least one pipe");
        }

        long pipes = 0;
        for (int g = 0; g < sub.Pipes.Count; g++)
        {
            var group = sub.Pipes[g];
            if (group.Count < 1)
            {
                Fail($"{at}.pipes[{g}].count", group.Count, "must be at least 1");
            }

            if ((uint)group.Profile >= (uint)config.PipeProfiles.Count)
            {
                Fail($"{at}.pipes[{g}].profile", group.Profile, $"no such pipe profile (there are {config.PipeProfiles.Count})");
            }

            var pipeProfile = config.PipeProfiles[group.Profile];
            for (int tc = 0; tc < TrafficClass.Count; tc++)
            {
                if (sub.QueueSizes[tc] != 0 && pipeProfile.ClassRates[tc] == 0)
                {
                    Fail($"pipe_profiles[{group.Profile}].tc_rates[{tc}]", 0, $"class {tc} is enabled in {at} and needs a positive rate");
                }
            }

            pipes += group.Count;
        }

        if (pipes > Packet.MaxPipesPerSubport)
        {
            Fail($"{at}.pipes", pipes, $"a subport has at most {Packet.MaxPipesPerSubport} pipes");
        }

        CheckCongestion(config, sub, at);
        return pipes;
    }

    private static void CheckCongestion(PortConfig config, SubportConfig sub, string at)
    {
        if (sub.Red is { } red && red.Count != TrafficClass.Count)
        {
            Fail($"{at}.congestion.red", red.Count, $"must have one entry (or null) per class: {TrafficClass.Count}");
        }

        if (sub.Pie is { } pie && pie.Count != TrafficClass.Count)
        {
            Fail($"{at}.congestion.pie", pie.Count, $"must have one entry (or null) per class: {TrafficClass.Count}");
        }

        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            var r = sub.Red?[tc];
            var p = sub.Pie?[tc];
            if (r is not null && p is not null)
            {
                Fail($"{at}.congestion", tc, $"class {tc} has both RED and PIE; choose one");
            }

            if ((r is not null || p is not null) && sub.QueueSizes[tc] == 0)
            {
                Fail($"{at}.congestion.{(r is not null ? "red" : "pie")}[{tc}]", tc, $"class {tc} is disabled (queue size 0)");
            }

            if (r is { } red2)
            {
                foreach (var (color, parameters) in new[] { ("green", red2.Green), ("yellow", red2.Yellow), ("red", red2.Red) })
                {
                    if (parameters.MaxThreshold > sub.QueueSizes[tc])
                    {
                        Fail($"{at}.congestion.red[{tc}].{color}.max", parameters.MaxThreshold, $"must not exceed the class queue size {sub.QueueSizes[tc]}");
                    }
                }
            }

            if (p is { } pie2)
            {
                if (pie2.PortRate != config.Rate)
                {
                    Fail($"{at}.congestion.pie[{tc}]", pie2.PortRate, $"PIE parameters must be built for the port rate {config.Rate} B/s");
                }

                if (pie2.TailDropThreshold > sub.QueueSizes[tc])
                {
                    Fail($"{at}.congestion.pie[{tc}].tail_drop", pie2.TailDropThreshold, $"must not exceed the class queue size {sub.QueueSizes[tc]}");
                }
            }
        }
    }

    private static void Fail(string field, long value, string rule) =>
        throw new ConfigurationException(field, value.ToString(CultureInfo.InvariantCulture), rule);
}
