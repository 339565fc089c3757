using System;
using NUnit.Framework;
using Qos.Shaping.TokenBucket;

namespace Qos.Shaping.Tests.TokenBucket;

[TestFixture]
public sealed class TokenBucketTests
{
    private const long Port = 1_250_000_000;

    [TestCase(305_000L, 3_000L)]            // 2.44 Mbit/s pipe
    [TestCase(416_666_667L, 3_000L)]        // a third of the port, not a round fraction
    [TestCase(1_250_000_000L, 3_000L)]      // the port itself: exactly 1/1
    [TestCase(987_654_321L, 100_000L)]
    public void A_greedy_sender_gets_the_configured_rate_to_within_1e_minus_6(long rate, long size)
    {
        var profile = new TokenBucketProfile(rate, size, Port);
        var bucket = TokenBucketState.Empty(now: 0);
        var rng = new Random(3);
        long now = 0, sent = 0;
        // Why: each step earns at most 1000 bytes, and size >= 1000 + the largest frame, so no credit is lost to saturation.
        long horizon = rate < 1_000_000 ? 20_000_000_000_000 : 20_000_000_000;
        long maxStep = Math.Max(100, (long)(1000.0 * Port / rate));
        int nextPacket = rng.Next(64, 1519) + 24;
        while (now < horizon)
        {
            now += rng.NextInt64(1, maxStep);
            bucket.Refill(profile, now);
            while (bucket.TryConsume(profile, nextPacket))
            {
                sent += nextPacket;
                nextPacket = rng.Next(64, 1519) + 24;
            }
        }

        double expected = (double)now * rate / Port;
        Assert.That(sent, Is.LessThanOrEqualTo(expected + 1), "a bucket starting empty never sends more than rate × time");
        Assert.That(sent, Is.GreaterThan(expected - 1518 - 24 - 1), "a greedy sender is never behind by more than one frame");
        Assert.That(Math.Abs(sent - expected) / expected, Is.LessThan(1e-6), "long-run rate error");
    }

    [Test]
    public void The_bucket_never_holds_more_than_its_size()
    {
        var profile = new TokenBucketProfile(400_000_000, 5_000, Port);
        var bucket = TokenBucketState.Full(profile, now: 0);
        var rng = new Random(5);
        long now = 0;
        for (int i = 0; i < 200_000; i++)
        {
            now += rng.Next(0, 50_000);
            bucket.Refill(profile, now);
            Assert.That(bucket.Credits(profile), Is.LessThanOrEqualTo(5_000));
            bucket.TryConsume(profile, rng.Next(64, 3000));
        }

        bucket.Refill(profile, now + 1_000_000_000_000_000);
        Assert.That(bucket.Credits(profile), Is.EqualTo(5_000), "a long idle gap fills the bucket exactly, without overflow");
    }

    [Test]
    public void Refill_adds_exactly_the_credit_earned()
    {
        var profile = new TokenBucketProfile(312_500_000, 1_000_000, Port); // a quarter of the port
        var bucket = TokenBucketState.Empty(now: 1000);
        bucket.Refill(profile, 1000 + 400);
        Assert.That(bucket.Credits(profile), Is.EqualTo(100));
        bucket.Refill(profile, 1000 + 403);
        Assert.That(bucket.Credits(profile), Is.EqualTo(100), "three bytes of line time earn 0.75 byte, kept as a fraction");
        bucket.Refill(profile, 1000 + 404);
        Assert.That(bucket.Credits(profile), Is.EqualTo(101), "the fraction is not lost");
        Assert.That(bucket.TryConsume(profile, 102), Is.False, "a packet the credits do not cover is refused");
        Assert.That(bucket.TryConsume(profile, 101), Is.True);
        Assert.That(bucket.Credits(profile), Is.Zero);
    }

    [Test]
    public void A_change_of_profile_keeps_the_credit_and_clamps_it_to_the_new_size()
    {
        var big = new TokenBucketProfile(305_000, 10_000, Port);
        var small = new TokenBucketProfile(1_000_000, 3_000, Port);
        var bucket = TokenBucketState.Full(big, now: 0);
        bucket.TryConsume(big, 2_000);
        bucket.Rebind(big, small);
        Assert.That(bucket.Credits(small), Is.EqualTo(3_000), "8000 bytes of credit clamp to the new size");
        bucket.TryConsume(small, 1_000);
        bucket.Rebind(small, big);
        Assert.That(bucket.Credits(big), Is.EqualTo(2_000));
    }

    [TestCase(0L)]
    [TestCase(-1L)]
    [TestCase((1L << 32) + 1)]
    public void Invalid_sizes_are_refused(long size)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TokenBucketProfile(1000, size, Port));
        Assert.That(e!.ParamName, Is.EqualTo("sizeBytes"));
    }

    [Test]
    public void Refill_and_consume_allocate_nothing()
    {
        var profile = new TokenBucketProfile(305_000, 10_000, Port);
        var bucket = TokenBucketState.Full(profile, 0);
        bucket.Refill(profile, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long now = 2; now < 100_000; now++)
        {
            bucket.Refill(profile, now * 100);
            bucket.TryConsume(profile, 84);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
