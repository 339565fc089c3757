using System;
using NUnit.Framework;
using Qos.Shaping.Congestion;

namespace Qos.Shaping.Tests.Congestion;

[TestFixture]
public sealed class CongestionAllocationTests
{
    private const int Calls = 100_000;

    private static int RunRed(ref RedState state, in RedProfile profile, TestRandom rng)
    {
        int drops = 0;
        long now = 0;
        for (int i = 0; i < Calls; i++)
        {
            now += 100;
            int queueLength = rng.Next(0, 80);
            if (queueLength == 0)
            {
                state.MarkEmpty(now - 50);
            }

            drops += state.ShouldDrop(profile, (PacketColor)(i % 3), queueLength, now, rng.Next()) ? 1 : 0;
        }

        return drops;
    }

    private static int RunPie(ref PieState state, in PieParameters parameters, TestRandom rng, ref long now)
    {
        int drops = 0;
        for (int i = 0; i < Calls; i++)
        {
            now += 1000;
            if (state.QueueBytes >= 1500)
            {
                state.OnDequeue(1500, now);
            }

            if (state.ShouldDrop(parameters, (int)(state.QueueBytes / 1500), now, rng.Next()))
            {
                drops++;
            }
            else
            {
                state.OnEnqueue(1500);
                state.OnEnqueue(1500);
            }
        }

        return drops;
    }

    [Test]
    public void Red_decisions_allocate_nothing()
    {
        var profile = new RedProfile(new RedParameters(32, 64, 10), new RedParameters(24, 48, 10), new RedParameters(16, 32, 10), 9);
        var state = default(RedState);
        var rng = new TestRandom(1);
        RunRed(ref state, profile, rng);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int drops = RunRed(ref state, profile, rng);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(drops, Is.GreaterThan(0), "the run exercised the drop paths");
        Assert.That(allocated, Is.Zero, "ShouldDrop and MarkEmpty allocate nothing");
    }

    [Test]
    public void Pie_decisions_and_byte_accounting_allocate_nothing()
    {
        var parameters = new PieParameters(12_500_000, tailDropThreshold: 1000);
        var state = default(PieState);
        var rng = new TestRandom(2);
        long now = 0;
        RunPie(ref state, parameters, rng, ref now);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int drops = RunPie(ref state, parameters, rng, ref now);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(drops, Is.GreaterThan(0), "the run exercised the drop paths");
        Assert.That(allocated, Is.Zero, "ShouldDrop, OnEnqueue and OnDequeue allocate nothing");
    }
}
