using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using Qos.EventCore.Migration;

namespace Qos.EventCore.Tests.Stress;

[TestFixture]
public sealed class OrderAndAtomicityStressTests
{
    [Test]
    [CancelAfter(60_000)]
    public void Flows_stay_exclusive_and_ordered_through_two_atomic_stages_while_migrating_constantly(CancellationToken token)
    {
        var harness = new PipelineHarness(producers: 2, workers: 3, stages: 2, flows: 64, perProducer: 300_000, new EventDeviceConfig
        {
            MigrationPolicy = PipelineHarness.Chaos(seed: 3),
            MigrationIntervalMicroseconds = 20,
            MigrationHoldDownMicroseconds = 0,
            MaxMovesPerInterval = 1024,
            OperationsPerBackgroundTask = 16,
            MaxInflight = 1024,
        });

        bool completed = harness.Run(token);

        Assert.That(completed, Is.True, $"the run ends: consumed {harness.Consumed} of {harness.Produced} produced (a hang means a deadlock)");
        Assert.That(harness.ExclusivityViolations, Is.Zero, $"a flow is processed by one worker at a time; first: {harness.FirstViolation}");
        Assert.That(harness.OrderViolations, Is.Zero, $"a flow's events arrive in order at every stage; first: {harness.FirstViolation}");
        Assert.That(harness.CreditViolations, Is.Zero, $"credits on loan stay within [0, max]; first: {harness.FirstViolation}");
        long migrations = harness.TotalOf(s => s.Migrations);
        Assert.That(migrations, Is.GreaterThan(20), "migrations happened, and often");
        long emigrations = harness.TotalOf(s => s.Emigrations);
        Assert.That(harness.TotalOf(s => s.Immigrations), Is.InRange(emigrations, emigrations + (5 * Emigration.MaxFlows)),
            "every flow that left a port arrived at another (a migration may still be finishing when the threads stop)");
        Assert.That(harness.Device.Stop(), Is.Zero, "nothing is left in the device once every event is consumed");
        TestContext.Out.WriteLine($"migrations {migrations}, flows moved {harness.TotalOf(s => s.Emigrations)}");
    }

    [Test]
    [CancelAfter(120_000)]
    public void Flows_keep_their_order_when_producers_outnumber_the_cores_and_credits_never_run_out(CancellationToken token)
    {
        // Why this shape: with credits to spare no enqueue is refused, so nothing flushes a producer's output early,
        // and more threads than cores get preempted between reserving ring slots and publishing them: the window a
        // migration's forward must wait out. Two more threads hold such windows open on purpose, often.
        var harness = new PipelineHarness(producers: 6, workers: 4, stages: 2, flows: 48, perProducer: 200_000, new EventDeviceConfig
        {
            MigrationPolicy = PipelineHarness.Chaos(seed: 5),
            MigrationIntervalMicroseconds = 20,
            MigrationHoldDownMicroseconds = 0,
            MaxMovesPerInterval = 1024,
            OutputBufferSize = 256,
            MaxInflight = 4096,
        }, preemptedPublishers: 2)
        { MaxOutstanding = 1024, Burst = 32 };

        bool completed = harness.Run(token);

        Assert.That(completed, Is.True, $"the run ends: consumed {harness.Consumed} of {harness.Produced} produced (a hang means a deadlock)");
        Assert.That(harness.TotalOf(s => s.Refused), Is.Zero, "the pipeline is never saturated: no enqueue is refused");
        Assert.That(harness.OrderViolations, Is.Zero, $"a flow's events arrive in order at every stage; first: {harness.FirstViolation}");
        Assert.That(harness.ExclusivityViolations, Is.Zero, $"a flow is processed by one worker at a time; first: {harness.FirstViolation}");
        Assert.That(harness.CreditViolations, Is.Zero, $"credits are conserved; first: {harness.FirstViolation}");
        long migrations = harness.TotalOf(s => s.Migrations);
        Assert.That(migrations, Is.GreaterThan(100), "migrations happened, and often");
        long left = harness.InDevice;
        Assert.That(harness.Device.Stop(), Is.EqualTo(left), "what is left in the device is exactly the late publishers' events not yet consumed");
        TestContext.Out.WriteLine($"migrations {migrations}, flows moved {harness.TotalOf(s => s.Emigrations)}");
    }

    [Test]
    [CancelAfter(60_000)]
    public void The_default_policy_moves_flows_off_a_slow_worker_without_breaking_order(CancellationToken token)
    {
        var harness = new PipelineHarness(producers: 1, workers: 3, stages: 2, flows: 128, perProducer: 150_000, new EventDeviceConfig
        {
            MigrationPolicy = new DswMigrationPolicy { MinSourceLoad = 0.3, MaxTargetLoad = 1.0 },
            MigrationIntervalMicroseconds = 200,
            LoadUpdateIntervalMicroseconds = 50,
            OperationsPerBackgroundTask = 32,
            MaxInflight = 1024,
        })
        { SlowWorkerSpin = 200 };

        bool completed = harness.Run(token);

        Assert.That(completed, Is.True, $"the run ends: consumed {harness.Consumed} of {harness.Produced} produced");
        Assert.That(harness.ExclusivityViolations, Is.Zero, $"a flow is processed by one worker at a time; first: {harness.FirstViolation}");
        Assert.That(harness.OrderViolations, Is.Zero, $"a flow's events arrive in order at every stage; first: {harness.FirstViolation}");
        var stats = harness.Device.GetStats();
        Assert.That(stats.Ports[1].Emigrations, Is.GreaterThan(0), "the slow worker (port 1) moved flows away");
        harness.Device.Stop();
    }

    [Test]
    [CancelAfter(60_000)]
    public void Every_event_is_consumed_or_flushed_exactly_once_when_the_device_stops_mid_run(CancellationToken token)
    {
        var harness = new PipelineHarness(producers: 2, workers: 2, stages: 2, flows: 32, perProducer: 1_000_000, new EventDeviceConfig
        {
            MigrationPolicy = PipelineHarness.Chaos(seed: 4),
            MigrationIntervalMicroseconds = 20,
            MigrationHoldDownMicroseconds = 0,
            MaxMovesPerInterval = 1024,
            OperationsPerBackgroundTask = 16,
            MaxInflight = 2048,
        });

        bool stopped = harness.Run(token, stopAfter: 60_000);
        Assert.That(stopped, Is.True, "the run reaches its stop point");
        var flushed = new List<Event>();
        long count = harness.Device.Stop(flushed.Add);

        Assert.That(count, Is.EqualTo(flushed.Count), "Stop reports what it flushed");
        Assert.That(harness.OrderViolations + harness.ExclusivityViolations, Is.Zero, $"order and exclusivity hold; first: {harness.FirstViolation}");
        Assert.That(harness.Consumed + flushed.Count, Is.EqualTo(harness.Produced), "produced = consumed + flushed");
        var perFlow = new List<long>[32];
        for (int f = 0; f < perFlow.Length; f++)
        {
            perFlow[f] = [];
        }

        foreach (Event e in flushed)
        {
            perFlow[e.FlowId].Add((long)e.Payload);
        }

        for (int f = 0; f < perFlow.Length; f++)
        {
            perFlow[f].Sort();
            long expected = harness.ConsumedOf(f);
            foreach (long seq in perFlow[f])
            {
                Assert.That(seq, Is.EqualTo(expected), $"flow {f}: the flushed events are exactly the ones not consumed, each once");
                expected++;
            }

            Assert.That(expected, Is.EqualTo(harness.ProducedOf(f)), $"flow {f}: nothing produced is lost");
        }

        Assert.That(harness.Device.CreditsOnLoan, Is.Zero, "stop resets the credits");
    }
}
