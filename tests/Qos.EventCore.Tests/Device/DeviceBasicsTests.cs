using System;
using NUnit.Framework;

namespace Qos.EventCore.Tests.Device;

[TestFixture]
public sealed class DeviceBasicsTests
{
    private static EventDevice TwoPorts(int outputBuffer = 32, int opsPerBackground = 128)
    {
        // Port 0 produces, port 1 serves queue 0. Migration off: one worker has nowhere to move flows anyway.
        var device = new EventDevice(new EventDeviceConfig
        {
            PortCount = 2,
            OutputBufferSize = outputBuffer,
            OperationsPerBackgroundTask = opsPerBackground,
            MigrationEnabled = false,
        });
        device.Link(1, 0);
        device.Start();
        return device;
    }

    private static Event[] NewEvents(int count, int queue = 0)
    {
        var events = new Event[count];
        for (int i = 0; i < count; i++)
        {
            events[i] = new Event((uint)i, (byte)queue, EventOperation.New, (ulong)i);
        }

        return events;
    }

    [Test]
    public void A_bad_configuration_is_refused_with_the_field_its_value_and_the_rule()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new EventDevice(new EventDeviceConfig { PortCount = 65 }));
        Assert.That(e!.Message, Does.Contain("PortCount 65 must be from 1 to 64"), "the message names the field, value and rule");
        var q = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new EventDevice(new EventDeviceConfig { Queues = new QueueConfig[17] }));
        Assert.That(q!.Message, Does.Contain("Queues.Count 17 must be from 1 to 16"), "queue count limit");
        var t = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new EventDevice(new EventDeviceConfig { MaxInflight = 1000, NewEventThreshold = 2000 }));
        Assert.That(t!.Message, Does.Contain("NewEventThreshold 2000 must be from 1 to 1000"), "the threshold stays within the limit");
    }

    [Test]
    public void A_queue_without_ports_cannot_start_and_a_single_link_queue_takes_one_port()
    {
        using var device = new EventDevice(new EventDeviceConfig
        {
            PortCount = 3,
            Queues = [new QueueConfig(ScheduleType.Atomic), new QueueConfig(ScheduleType.SingleLink)],
        });
        device.Link(0, 0);
        var start = Assert.Throws<InvalidOperationException>(device.Start);
        Assert.That(start!.Message, Does.Contain("queue 1"), "the unserved queue is named");
        device.Link(2, 1);
        var link = Assert.Throws<InvalidOperationException>(() => device.Link(1, 1));
        Assert.That(link!.Message, Does.Contain("single-link").And.Contain("port 2"), "the second link to a single-link queue is refused");
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => device.Link(0, 5));
        Assert.That(range!.Message, Does.Contain("queueId 5 must be from 0 to 1"), "queue id range");
    }

    [Test]
    public void Ports_refuse_work_before_start_and_bad_events_are_refused_whole()
    {
        using var device = new EventDevice(new EventDeviceConfig { PortCount = 2 });
        device.Link(1, 0);
        Assert.Throws<InvalidOperationException>(() => device.GetPort(0).Enqueue(NewEvents(1)), "a stopped device takes no events");
        device.Start();
        var events = NewEvents(3);
        events[2].QueueId = 9;
        var e = Assert.Throws<ArgumentException>(() => device.GetPort(0).Enqueue(events));
        Assert.That(e!.Message, Does.Contain("events[2].QueueId 9 must be below the queue count 1"), "the bad event, its value and the rule");
        Assert.That(device.Stop(), Is.Zero, "a refused burst leaves nothing behind");
        Assert.That(device.CreditsOnLoan, Is.Zero, "and no credits on loan");
    }

    [Test]
    public void Output_waits_in_the_buffer_until_it_is_full_or_flushed()
    {
        using var device = TwoPorts(outputBuffer: 8);
        EventPort producer = device.GetPort(0), worker = device.GetPort(1);
        var got = new Event[64];
        Assert.That(producer.Enqueue(NewEvents(5)), Is.EqualTo(5));
        Assert.That(worker.Dequeue(got), Is.Zero, "five events wait in the producer's output buffer");
        producer.Maintain();
        Assert.That(worker.Dequeue(got), Is.EqualTo(5), "an explicit flush sends them");
        Assert.That(producer.Enqueue(NewEvents(8)), Is.EqualTo(8));
        Assert.That(worker.Dequeue(got), Is.EqualTo(8), "a full buffer is sent at once");
    }

    [Test]
    public void Output_is_flushed_after_a_count_of_operations()
    {
        using var device = TwoPorts(outputBuffer: 32, opsPerBackground: 6);
        EventPort producer = device.GetPort(0), worker = device.GetPort(1);
        var got = new Event[64];
        producer.Enqueue(NewEvents(1));
        Assert.That(worker.Dequeue(got), Is.Zero, "one operation: still buffered");
        producer.Enqueue(NewEvents(1));
        producer.Enqueue(NewEvents(1));
        Assert.That(worker.Dequeue(got), Is.EqualTo(3), "the operation count triggered a flush");
    }

    [Test]
    public void Output_is_flushed_on_an_empty_dequeue()
    {
        using var device = TwoPorts(outputBuffer: 32, opsPerBackground: 1000);
        EventPort producer = device.GetPort(0), worker = device.GetPort(1);
        var got = new Event[64];
        producer.Enqueue(NewEvents(1));
        producer.Maintain();
        Assert.That(worker.Dequeue(got), Is.EqualTo(1));

        // The worker forwards to queue 0 (itself) and then finds its ring empty: the empty dequeue flushes.
        got[0].Operation = EventOperation.Forward;
        Assert.That(worker.Enqueue(got.AsSpan(0, 1)), Is.EqualTo(1));
        Assert.That(worker.Dequeue(got), Is.Zero, "the forwarded event was still buffered at this dequeue");
        Assert.That(worker.Dequeue(got), Is.EqualTo(1), "the empty dequeue before flushed it");
    }

    [Test]
    public void Atomic_flows_go_to_their_owner_and_are_counted_per_queue()
    {
        using var device = new EventDevice(new EventDeviceConfig { PortCount = 3, MigrationEnabled = false });
        device.Link(1, 0);
        device.Link(2, 0);
        device.Start();
        EventPort producer = device.GetPort(0);
        Assert.That(producer.Enqueue(NewEvents(200)), Is.EqualTo(200));
        producer.Maintain();
        var got = new Event[256];
        for (int port = 1; port <= 2; port++)
        {
            int n = device.GetPort(port).Dequeue(got);
            Assert.That(n, Is.GreaterThan(0), $"initial owners are spread: port {port} owns some of 200 flows");
            for (int i = 0; i < n; i++)
            {
                Assert.That(device.OwnerOf(0, got[i].FlowId), Is.EqualTo(port), "an event goes to its flow's owner");
                Assert.That(got[i].ScheduleType, Is.EqualTo(ScheduleType.Atomic), "events carry their queue's schedule type");
            }
        }

        var stats = device.GetStats();
        Assert.That(stats.Ports[0].EnqueuedPerQueue[0], Is.EqualTo(200), "enqueued per queue");
        Assert.That(stats.Ports[0].NewEvents, Is.EqualTo(200), "new events");
        Assert.That(stats.Ports[1].Dequeued + stats.Ports[2].Dequeued, Is.EqualTo(200), "dequeued, all of them");
        Assert.That(stats.Ports[1].LastActivityTimestamp, Is.GreaterThan(0), "the activity timestamp is kept");
    }

    [Test]
    public void Stop_flushes_events_from_rings_and_output_buffers_and_the_device_restarts()
    {
        using var device = TwoPorts(outputBuffer: 8);
        EventPort producer = device.GetPort(0);
        producer.Enqueue(NewEvents(8));
        producer.Enqueue(NewEvents(3));
        long flushed = 0;
        ulong payloads = 0;
        Assert.That(device.Stop(e => { flushed++; payloads += e.Payload; }), Is.EqualTo(11), "8 in the ring, 3 in the output buffer");
        Assert.That(flushed, Is.EqualTo(11), "each handed to the callback once");
        Assert.That(payloads, Is.EqualTo(28UL + 3UL), "the very events that were enqueued");
        device.Start();
        Assert.That(producer.Enqueue(NewEvents(1)), Is.EqualTo(1), "a restarted device takes events");
    }
}
