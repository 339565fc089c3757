using BenchmarkDotNet.Attributes;
using Qos.Shaping.TokenBucket;

namespace Qos.Benchmarks.Shaping;

/// <summary>Refill + consume of one token bucket, the per-packet work at each shaped level.</summary>
[MemoryDiagnoser]
public class TokenBucketBenchmarks
{
    private const int Operations = 1024;
    private TokenBucketProfile _profile;
    private TokenBucketState _bucket;
    private long _now;

    [GlobalSetup]
    public void Setup()
    {
        _profile = new TokenBucketProfile(305_000, 1_000_000, 1_250_000_000);
        _bucket = TokenBucketState.Full(_profile, 0);
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int RefillAndConsume()
    {
        int sent = 0;
        long now = _now;
        for (int i = 0; i < Operations; i++)
        {
            now += 4099 + (i & 7);
            _bucket.Refill(_profile, now);
            if (_bucket.TryConsume(_profile, 84))
            {
                sent++;
            }
        }

        _now = now;
        return sent;
    }
}
