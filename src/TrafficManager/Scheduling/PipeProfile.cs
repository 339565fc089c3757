using System;
using Qos.Shaping.TokenBucket;
using Qos.Shaping.TrafficClasses;
using Qos.Shaping.Wrr;
using Qos.TrafficManager.Configuration;

namespace Qos.TrafficManager.Scheduling;

/// <summary>A validated pipe profile in the form the scheduler uses: bucket, class caps, WRR costs, weight.</summary>
internal sealed class PipeProfile
{
    public PipeProfile(PipeProfileConfig config, long portRate)
    {
        Config = config;
        Bucket = new TokenBucketProfile(config.Rate, config.BucketSize, portRate);
        Classes = ClassCaps.From(config.ClassRates, config.ClassPeriodMilliseconds, config.Rate, portRate);
        Span<byte> weights = stackalloc byte[TrafficClass.BestEffortQueues];
        for (int q = 0; q < weights.Length; q++)
        {
            weights[q] = (byte)config.WrrWeights[q];
        }

        Wrr = new WrrProfile(weights);
        OversubscriptionWeight = config.OversubscriptionWeight;
    }

    public PipeProfileConfig Config { get; }

    public TokenBucketProfile Bucket;

    public TrafficClassProfile Classes;

    public WrrProfile Wrr;

    public int OversubscriptionWeight { get; }

    public long BestEffortRate => Config.ClassRates[TrafficClass.BestEffort];
}
