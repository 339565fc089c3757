using Qos.Shaping.TokenBucket;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Configuration;

namespace Qos.TrafficManager.Scheduling;

/// <summary>A validated subport profile in the form the scheduler uses.</summary>
internal sealed class SubportProfile
{
    public SubportProfile(SubportProfileConfig config, long portRate)
    {
        Config = config;
        Bucket = new TokenBucketProfile(config.Rate, config.BucketSize, portRate);
        Classes = ClassCaps.From(config.ClassRates, config.ClassPeriodMilliseconds, config.Rate, portRate);
    }

    public SubportProfileConfig Config { get; }

    public TokenBucketProfile Bucket;

    public TrafficClassProfile Classes;
}
