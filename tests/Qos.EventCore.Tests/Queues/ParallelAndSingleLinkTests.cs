using System;
using System.Threading;
using NUnit.Framework;
using Qos.EventCore.Tests.Stress;

namespace Qos.EventCore.Tests.Queues;

[TestFixture]
public sealed class ParallelAndSingleLinkTests
{
    [Test]
    [CancelAfter(60_000)]
    public void A_parallel_queue_spreads_flows_over_its_ports_and_moves_them_without_pausing(CancellationToken token)
    {
        var harness = new PipelineHarness(producers: 1, workers: 3, stages: 1, flows: 256, perProducer: 200_000, new EventDeviceConfig
        {
            MigrationPolicy = PipelineHarness.Chaos(seed: 1),
            MigrationIntervalMicroseconds = 20,
            OperationsPerBackgroundTask = 16,
        }, type: Qos.EventCore.ScheduleType.Parallel);

        Assert.That(harness.Run(token), Is.True, $"every event is consumed: {harness.Consumed} of {harness.Produced}");
        var stats = harness.Device.GetStats();
        for (int port = 1; port <= 3; port++)
        {
            Assert.That(stats.Ports[port].Dequeued, Is.GreaterThan(0), $"worker port {port} received part of the parallel queue");
            Assert.That(stats.Ports[port].Migrations, Is.Zero, $"port {port}: parallel flows never go through the pause protocol");
        }

        Assert.That(harness.TotalOf(s => s.Emigrations), Is.GreaterThan(0), "parallel flows changed owner");
        Assert.That(harness.Device.Stop(), Is.Zero, "nothing is lost or left over");
    }

    [Test]
    public void A_single_link_queue_delivers_every_flow_to_its_one_port_in_order_and_never_moves_them()
    {
        // Port 0 produces to atomic queue 0 (ports 1, 2); both forward to single-link queue 1 (port 3, the "TX" stage).
        using var device = new EventDevice(new EventDeviceConfig
        {
            PortCount = 4,
            Queues = [new QueueConfig(ScheduleType.Atomic), new QueueConfig(ScheduleType.SingleLink)],
            MigrationPolicy = PipelineHarness.Chaos(seed: 2),
            MigrationIntervalMicroseconds = 1,
            OperationsPerBackgroundTask = 4,
        });
        device.Link(1, 0);
        device.Link(2, 0);
        device.Link(3, 1);
        device.Start();
        const int Flows = 50, PerFlow = 200;
        var nextSeq = new long[Flows];
        var events = new Event[Flows];
        var got = new Event[64];
        long delivered = 0;
        for (int seq = 0; seq < PerFlow; seq++)
        {
            for (int f = 0; f < Flows; f++)
            {
                events[f] = new Event((uint)f, 0, EventOperation.New, (ulong)seq);
            }

            while (device.GetPort(0).Enqueue(events) != Flows)
            {
                Pump(device, got, nextSeq, ref delivered);
            }

            device.GetPort(0).Maintain();
            Pump(device, got, nextSeq, ref delivered);
        }

        for (int i = 0; i < 10_000 && delivered < Flows * PerFlow; i++)
        {
            device.GetPort(0).Maintain();
            Pump(device, got, nextSeq, ref delivered);
        }

        Assert.That(delivered, Is.EqualTo(Flows * PerFlow), "every event reached the single-link port");
        var stats = device.GetStats();
        Assert.That(stats.Ports[3].Emigrations, Is.Zero, "single-link flows never move");
        Assert.That(stats.Ports[3].DequeuedPerQueue[1], Is.EqualTo(Flows * PerFlow), "the single-link port took all of queue 1");
        device.Stop();
    }

    private static void Pump(EventDevice device, Event[] got, long[] nextSeq, ref long delivered)
    {
        for (int port = 1; port <= 2; port++)
        {
            EventPort worker = device.GetPort(port);
            int n = worker.Dequeue(got);
            for (int i = 0; i < n; i++)
            {
                got[i].QueueId = 1;
                got[i].Operation = EventOperation.Forward;
            }

            Assert.That(worker.Enqueue(got.AsSpan(0, n)), Is.EqualTo(n), "forwards are accepted");
        }

        EventPort tx = device.GetPort(3);
        int m = tx.Dequeue(got);
        for (int i = 0; i < m; i++)
        {
            Assert.That(got[i].QueueId, Is.EqualTo(1), "the single-link port gets only its queue");
            Assert.That((long)got[i].Payload, Is.EqualTo(nextSeq[got[i].FlowId]), $"flow {got[i].FlowId} arrives in order at the single-link port");
            nextSeq[got[i].FlowId]++;
            got[i].Operation = EventOperation.Release;
        }

        tx.Enqueue(got.AsSpan(0, m));
        delivered += m;
    }
}
