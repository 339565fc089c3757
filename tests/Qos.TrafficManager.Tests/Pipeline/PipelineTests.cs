using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Pipeline;

namespace Qos.TrafficManager.Tests.Pipeline;

[TestFixture]
public sealed class PipelineTests
{
    private const int Flows = 256;

    [Test]
    [CancelAfter(120_000)]
    public void A_million_frames_through_two_egress_ports_with_constant_migrations_keep_per_flow_order_and_are_all_accounted_for(CancellationToken token)
    {
        const int Seed = 7;
        TestContext.Out.WriteLine($"seed {Seed}");
        var tx = new[] { new NullTxQueue(), new NullTxQueue() };
        var ports = tx.Select(q => PipelineSetup.Port(PipelineSetup.Unshaped, q)).ToArray();
        var source = new SyntheticFrameSource(new SyntheticFlows(Flows, 64, 0, [64, 64, 64, 594, 1518], Seed), 0, count: 1_000_000);
        using var pipeline = PacketPipeline.Create(PipelineSetup.Options(ports, source, workers: 2, seed: Seed, orderFlows: Flows, backpressure: RxBackpressure.Wait));

        pipeline.Start();
        while (!source.Completed && !token.IsCancellationRequested)
        {
            Thread.Sleep(5);
        }

        PipelineStats stats = pipeline.Stop(drain: TimeSpan.FromSeconds(30));

        Assert.That(source.Offered, Is.EqualTo(1_000_000), "the source offered every frame");
        Assert.That(stats.Offered, Is.EqualTo(1_000_000), "the pipeline counts what was offered");
        Assert.That(stats.Offered, Is.EqualTo(stats.Sent + stats.Drops.Total + stats.Flushed), PipelineSetup.Accounting(stats));
        Assert.That(stats.OrderViolations, Is.Zero, "every flow's frames leave its TX queue in the order they entered RX");
        Assert.That(stats.Migrations, Is.GreaterThan(10), "flows moved between the workers while frames flowed");
        Assert.That(stats.Ports[0].SentPackets, Is.GreaterThan(0), "port 0 sent");
        Assert.That(stats.Ports[1].SentPackets, Is.GreaterThan(0), "port 1 sent");
        Assert.That(tx.Sum(q => q.Stats.Packets), Is.EqualTo(stats.Sent), "what the TX queues counted is what the pipeline counts as sent");
        Assert.That(stats.Drops.RxBackpressure, Is.Zero, "RX waits for credits instead of dropping");
        Assert.That(stats.Sent, Is.GreaterThan(stats.Offered * 9 / 10), "nine frames in ten or more made it through (the rest are counted tail drops)");
        Assert.That(pipeline.Pool.Available, Is.EqualTo(pipeline.Pool.Capacity), "every frame is back in the pool: none lost, none returned twice");
        TestContext.Out.WriteLine(PipelineSetup.Accounting(stats) + $", migrations {stats.Migrations}");
    }

    [Test]
    [CancelAfter(120_000)]
    public void Stopping_under_load_flushes_each_frame_still_inside_exactly_once_and_the_pipeline_restarts(CancellationToken token)
    {
        const int Seed = 11;
        var nic = new NicTxQueue(256, 24);
        var ports = new[] { PipelineSetup.Port(PipelineSetup.Shaped, nic) };
        // Twice the line rate offered to 64 pipes of 1 MB/s: queues fill, frames are everywhere when Stop comes.
        var source = new SyntheticFrameSource(new SyntheticFlows(Flows, 64, 0, [64, 594, 1518], Seed), 2 * 1_250_000_000L);
        using var pipeline = PacketPipeline.Create(PipelineSetup.Options(ports, source, workers: 1, seed: Seed, orderFlows: Flows));
        for (int run = 0; run < 2; run++)
        {
            pipeline.Start();
            while (pipeline.GetStats().Sent < 20_000 && !token.IsCancellationRequested)
            {
                Thread.Sleep(2);
            }

            var flushed = new List<int>();
            PipelineStats stats = pipeline.Stop(flushed.Add);

            Assert.That(stats.Flushed, Is.GreaterThan(0), $"run {run}: the schedulers still held frames at the stop, and they were flushed");
            Assert.That(flushed, Has.Count.EqualTo(stats.Flushed), $"run {run}: the callback saw every flushed frame");
            Assert.That(flushed.Distinct().Count(), Is.EqualTo(flushed.Count), $"run {run}: no frame is flushed twice");
            Assert.That(stats.Offered, Is.EqualTo(stats.Sent + stats.Drops.Total + stats.Flushed), $"run {run}: " + PipelineSetup.Accounting(stats));
            Assert.That(stats.Sent, Is.GreaterThanOrEqualTo(20_000), $"run {run}: the run sent what it was waited for");
            Assert.That(stats.OrderViolations, Is.Zero, $"run {run}: order holds");
            Assert.That(pipeline.Pool.Available, Is.EqualTo(pipeline.Pool.Capacity), $"run {run}: every frame is back in the pool");
            TestContext.Out.WriteLine($"run {run}: " + PipelineSetup.Accounting(stats));
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public void A_stalled_egress_makes_RX_drop_and_count_while_memory_stays_bounded(CancellationToken token)
    {
        const int Seed = 13;
        using var gate = new GateTxQueue();
        var ports = new[] { PipelineSetup.Port(PipelineSetup.Unshaped, gate) };
        var source = new SyntheticFrameSource(new SyntheticFlows(Flows, 64, 0, [64], Seed), 1_250_000_000L);
        var options = PipelineSetup.Options(ports, source, workers: 1, seed: Seed, poolFrames: 1 << 15);
        using var pipeline = PacketPipeline.Create(options);
        pipeline.Start();
        while (pipeline.GetStats().Drops.RxBackpressure < 10_000 && !token.IsCancellationRequested)
        {
            Thread.Sleep(2);
        }

        PipelineStats stalled = pipeline.GetStats();
        int inUse = pipeline.Pool.Capacity - pipeline.Pool.Available;
        gate.Open();
        PipelineStats stats = pipeline.Stop();

        Assert.That(stalled.Drops.RxBackpressure, Is.GreaterThanOrEqualTo(10_000), "credits pushed back on RX, which dropped and counted");
        Assert.That(inUse, Is.LessThanOrEqualTo(options.Device.MaxInflight + (16 * 64 * 256) + 1024), "frames in use stay within the device's credits plus the scheduler's queues");
        Assert.That(stats.Offered, Is.EqualTo(stats.Sent + stats.Drops.Total + stats.Flushed), PipelineSetup.Accounting(stats));
        Assert.That(pipeline.Pool.Available, Is.EqualTo(pipeline.Pool.Capacity), "every frame is back in the pool");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_worker_that_throws_stops_the_pipeline_with_that_exception(CancellationToken token)
    {
        const int Seed = 17;
        var ports = new[] { PipelineSetup.Port(PipelineSetup.Unshaped, new NullTxQueue()) };
        var source = new SyntheticFrameSource(new SyntheticFlows(Flows, 64, 0, [64], Seed), 0);
        int seen = 0;
        var work = new DelegateWork((ref PacketContext context) =>
            Interlocked.Increment(ref seen) == 5000 ? throw new InvalidOperationException("the application failed") : WorkVerdict.Forward);
        using var pipeline = PacketPipeline.Create(PipelineSetup.Options(ports, source, workers: 2, seed: Seed), work);
        pipeline.Start();

        var completion = pipeline.Completion;
        var finished = await Task.WhenAny(completion, Task.Delay(Timeout.Infinite, token));
        Assert.That(finished, Is.SameAs(completion), "the failure ends the pipeline by itself");
        Assert.That(completion.IsFaulted, Is.True, "Completion faults");
        Assert.That(completion.Exception!.InnerException!.Message, Is.EqualTo("the application failed"), "with the worker's exception");
        var thrown = Assert.Throws<InvalidOperationException>(() => pipeline.Stop(), "Stop rethrows it");
        Assert.That(thrown!.Message, Is.EqualTo("the application failed"));
        Assert.That(pipeline.IsRunning, Is.False, "and the pipeline is stopped");
        PipelineStats stats = pipeline.GetStats();
        Assert.That(stats.Offered, Is.EqualTo(stats.Sent + stats.Drops.Total + stats.Flushed), "even after a failure: " + PipelineSetup.Accounting(stats));
        Assert.That(pipeline.Pool.Available, Is.EqualTo(pipeline.Pool.Capacity), "every frame is back in the pool");
    }

    [Test]
    [CancelAfter(60_000)]
    public void Frames_an_application_posts_from_several_threads_all_leave_and_each_threads_flows_keep_their_order(CancellationToken token)
    {
        const int Threads = 3, PerThread = 20_000;
        var source = new ApplicationFrameSource();
        var ports = new[] { PipelineSetup.Port(PipelineSetup.Unshaped, new NullTxQueue()) };
        using var pipeline = PacketPipeline.Create(PipelineSetup.Options(ports, source, workers: 1, seed: 19, orderFlows: Threads * 64, backpressure: RxBackpressure.Wait));
        pipeline.Start();
        var posters = Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            var flows = new SyntheticFlows(64, 64, 0, [64, 128], (uint)(t + 1));
            var sequences = new uint[64];
            for (int i = 0; i < PerThread && !token.IsCancellationRequested;)
            {
                if (!source.TryRent(out int frame))
                {
                    Thread.Yield();
                    continue;
                }

                int length = flows.Next(pipeline.Pool.Buffer(frame), out int flow);
                ref FrameMetadata metadata = ref pipeline.Pool.Metadata(frame);
                // A thread's flows are its own (distinct source addresses per seed are not guaranteed), numbered apart.
                metadata.SourceFlow = (uint)((t * 64) + flow + 1);
                metadata.Sequence = sequences[flow]++;
                source.Post(frame, length);
                i++;
            }
        }, token)).ToArray();
        Task.WaitAll(posters, token);
        source.Complete();
        while (!token.IsCancellationRequested && pipeline.GetStats().Sent + pipeline.GetStats().Drops.Total < Threads * PerThread)
        {
            Thread.Sleep(5);
        }

        PipelineStats stats = pipeline.Stop();
        Assert.That(stats.Offered, Is.EqualTo(Threads * PerThread), "every posted frame was offered once (a refused rental offers nothing)");
        Assert.That(stats.Sent, Is.EqualTo(Threads * PerThread), "every posted frame left: " + PipelineSetup.Accounting(stats));
        Assert.That(stats.OrderViolations, Is.Zero, "each poster's flows leave in the order it posted them");
        Assert.That(pipeline.Pool.Available, Is.EqualTo(pipeline.Pool.Capacity), "every frame is back in the pool");
    }

    [Test]
    [CancelAfter(60_000)]
    public void Frames_posted_but_not_yet_received_when_the_pipeline_stops_are_flushed_and_counted(CancellationToken token)
    {
        const int Posted = 6000;
        var source = new ApplicationFrameSource();
        using var gate = new GateTxQueue();
        var ports = new[] { PipelineSetup.Port(PipelineSetup.Unshaped, gate) };
        using var pipeline = PacketPipeline.Create(PipelineSetup.Options(ports, source, workers: 1, seed: 23, backpressure: RxBackpressure.Wait));
        var frame = new byte[64];
        new SyntheticFlows(1, 1, 0, [64], 1).Next(frame, out _);
        pipeline.Start();
        for (int i = 0; i < Posted; i++)
        {
            Assert.That(source.TryPost(frame), Is.True, "the pool has room");
        }

        // The egress is stalled, so the device's credits run out and RX waits with most frames still posted.
        while (pipeline.GetStats().Offered < 1000 && !token.IsCancellationRequested)
        {
            Thread.Sleep(1);
        }

        gate.Open();
        var flushed = new List<int>();
        PipelineStats stats = pipeline.Stop(flushed.Add);
        Assert.That(stats.Offered, Is.EqualTo(Posted), "every posted frame counts as offered, received by RX or not");
        Assert.That(stats.Flushed, Is.GreaterThan(0), "frames RX never took were flushed");
        Assert.That(stats.Offered, Is.EqualTo(stats.Sent + stats.Drops.Total + stats.Flushed), PipelineSetup.Accounting(stats));
        Assert.That(flushed, Has.Count.EqualTo(stats.Flushed), "the callback saw every flushed frame");
        Assert.That(pipeline.Pool.Available, Is.EqualTo(pipeline.Pool.Capacity), "every frame is back in the pool");
    }
}
