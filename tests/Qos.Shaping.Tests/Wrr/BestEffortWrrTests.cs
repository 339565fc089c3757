using System;
using NUnit.Framework;
using Qos.Shaping.TrafficClasses;
using Qos.Shaping.Wrr;

namespace Qos.Shaping.Tests.Wrr;

[TestFixture]
public sealed class BestEffortWrrTests
{
    private static long[] RunBacklogged(byte[] weights, int packets, Func<int, Random, int> packetSize, uint activeMask = 0xF)
    {
        var profile = new WrrProfile(weights);
        var wrr = default(BestEffortWrr);
        var rng = new Random(17);
        var bytes = new long[TrafficClass.BestEffortQueues];
        for (int i = 0; i < packets; i++)
        {
            int q = wrr.Select(activeMask);
            int size = packetSize(q, rng);
            bytes[q] += size;
            wrr.Charge(profile, q, size, activeMask);
        }

        return bytes;
    }

    private static void AssertShares(long[] bytes, byte[] weights, uint activeMask, double tolerance)
    {
        double totalBytes = 0, totalWeight = 0;
        for (int q = 0; q < bytes.Length; q++)
        {
            if ((activeMask & (1u << q)) != 0)
            {
                totalBytes += bytes[q];
                totalWeight += weights[q];
            }
        }

        for (int q = 0; q < bytes.Length; q++)
        {
            double expected = (activeMask & (1u << q)) != 0 ? weights[q] / totalWeight : 0;
            Assert.That(bytes[q] / totalBytes, Is.EqualTo(expected).Within(tolerance * Math.Max(expected, 1e-9)),
                $"queue {q} byte share for weights {string.Join(":", weights)}");
        }
    }

    [TestCase(new byte[] { 1, 2, 3, 4 })]
    [TestCase(new byte[] { 7, 11, 13, 17 })]
    [TestCase(new byte[] { 1, 1, 1, 255 })]
    [TestCase(new byte[] { 251, 253, 254, 255 })]
    public void Byte_shares_follow_the_weights_with_mixed_packet_sizes(byte[] weights)
    {
        // Queues differ in their size mix, so a packet-counting WRR would fail this.
        int[][] mixes = [[64, 1518], [64, 594, 1518], [1518], [64, 128]];
        var bytes = RunBacklogged(weights, 400_000, (q, rng) => mixes[q][rng.Next(mixes[q].Length)]);
        AssertShares(bytes, weights, 0xF, tolerance: 0.005);
    }

    [Test]
    public void Costs_are_exact_for_coprime_weights()
    {
        var profile = new WrrProfile([7, 11, 13, 17]);
        Assert.That(new[] { profile.Cost(0), profile.Cost(1), profile.Cost(2), profile.Cost(3) },
            Is.EqualTo(new long[] { 2431, 1547, 1309, 1001 }), "lcm 17017 divided by each weight, no truncation");
        var worst = new WrrProfile([255, 254, 253, 251]);
        Assert.That(worst.Cost(3) * 251, Is.EqualTo(worst.Cost(0) * 255), "cost × weight is the same lcm for all queues");
    }

    [Test]
    public void Inactive_queues_are_skipped_and_the_rest_share_by_weight()
    {
        byte[] weights = [1, 2, 3, 4];
        const uint Active = 0b1010;
        var bytes = RunBacklogged(weights, 100_000, (q, rng) => rng.Next(64, 1519), Active);
        Assert.That(bytes[0] + bytes[2], Is.Zero, "queues without packets are never picked");
        AssertShares(bytes, weights, Active, tolerance: 0.005);
        Assert.That(default(BestEffortWrr).Select(0), Is.EqualTo(-1), "no active queue, no pick");
    }

    [Test]
    public void A_queue_that_rejoins_gets_no_banked_burst()
    {
        var profile = new WrrProfile([1, 1, 1, 1]);
        var wrr = default(BestEffortWrr);
        for (int i = 0; i < 10_000; i++)
        {
            int q = wrr.Select(0b0011); // queues 2 and 3 idle
            wrr.Charge(profile, q, 1000, 0b0011);
        }

        int run = 0;
        for (int i = 0; i < 8; i++)
        {
            int q = wrr.Select(0xF);
            run = q == 3 ? run + 1 : 0;
            Assert.That(run, Is.LessThanOrEqualTo(1), "a queue back from idle alternates with the others, no catch-up burst");
            wrr.Charge(profile, q, 1000, 0xF);
        }
    }

    [Test]
    public void Zero_weight_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new WrrProfile([1, 0, 1, 1]));
        Assert.That(e!.Message, Does.Contain("weights[1]"));
    }

    [Test]
    public void Select_and_charge_allocate_nothing()
    {
        var profile = new WrrProfile([7, 11, 13, 17]);
        var wrr = default(BestEffortWrr);
        wrr.Charge(profile, wrr.Select(0xF), 64, 0xF);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            int q = wrr.Select(0xF);
            wrr.Charge(profile, q, 64 + (i & 1023), 0xF);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
