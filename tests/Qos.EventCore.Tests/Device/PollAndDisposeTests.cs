using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace Qos.EventCore.Tests.Device;

[TestFixture]
public sealed class PollAndDisposeTests
{
    private static EventDevice Started(int ports = 3, Action<Event>? disposeFlush = null)
    {
        // Port 0 produces to atomic queue 0 (port 1), port 1 forwards to single-link queue 1 (port 2).
        var device = new EventDevice(new EventDeviceConfig
        {
            PortCount = ports,
            Queues = [new QueueConfig(ScheduleType.Atomic), new QueueConfig(ScheduleType.SingleLink)],
            MigrationEnabled = false,
            OperationsPerBackgroundTask = 65536,
            DisposeFlush = disposeFlush,
        });
        device.Link(1, 0);
        device.Link(2, 1);
        device.Start();
        return device;
    }

    [Test]
    public void An_empty_poll_returns_at_once_without_backing_off_but_still_flushes_the_ports_output()
    {
        using var device = Started();
        EventPort producer = device.GetPort(0), worker = device.GetPort(1), egress = device.GetPort(2);
        var events = new Event[8];
        for (int i = 0; i < 10_000; i++)
        {
            Assert.That(egress.Poll(events), Is.Zero);
        }

        Assert.That(egress.IdleWaits, Is.Zero, "Poll never spins, yields or sleeps: the caller owns the back-off");
        Assert.That(egress.Dequeue(events), Is.Zero);
        Assert.That(egress.IdleWaits, Is.EqualTo(1), "Dequeue backs off on an empty call");

        Assert.That(producer.Enqueue(new Event(7, 0, EventOperation.New, 42)), Is.True);
        producer.Maintain();
        Assert.That(producer.Enqueue(ReadOnlySpan<Event>.Empty), Is.Zero);
        int n = 0;
        for (int calls = 0; n == 0 && calls < 10; calls++)
        {
            producer.Poll(events);   // an empty poll flushes the producer's buffered output
            n = worker.Poll(events);
        }

        Assert.That(n, Is.EqualTo(1), "the producer's event reached the worker");
        events[0].QueueId = 1;
        events[0].Operation = EventOperation.Forward;
        Assert.That(worker.Enqueue(events.AsSpan(0, 1)), Is.EqualTo(1));
        Assert.That(egress.Poll(events), Is.Zero, "the forward waits in the worker's output buffer");
        Assert.That(worker.Poll(events), Is.Zero, "the worker's empty poll flushes it");
        Assert.That(egress.Poll(events), Is.EqualTo(1), "and the egress port gets it");
        Assert.That(events[0].Payload, Is.EqualTo(42UL));
        Assert.That(device.Stop(), Is.Zero);
    }

    [Test]
    public void Disposing_a_running_device_hands_every_event_still_in_it_to_the_dispose_callback_once()
    {
        var flushed = new List<ulong>();
        var device = Started(disposeFlush: e => flushed.Add(e.Payload));
        EventPort producer = device.GetPort(0);
        for (ulong i = 0; i < 100; i++)
        {
            Assert.That(producer.Enqueue(new Event((uint)i, 0, EventOperation.New, i)), Is.True);
        }

        device.Dispose();
        flushed.Sort();
        Assert.That(flushed, Is.EqualTo(Enumerable.Range(0, 100).Select(i => (ulong)i)), "each event in flight reaches the callback exactly once");
        Assert.That(device.DroppedOnDispose, Is.Zero, "nothing was dropped");
        device.Dispose();
        Assert.That(flushed, Has.Count.EqualTo(100), "a second Dispose does nothing");
    }

    [Test]
    public void Disposing_a_running_device_without_a_callback_counts_what_it_drops()
    {
        var device = Started();
        EventPort producer = device.GetPort(0);
        for (ulong i = 0; i < 10; i++)
        {
            producer.Enqueue(new Event((uint)i, 0, EventOperation.New, i));
        }

        device.Dispose();
        Assert.That(device.DroppedOnDispose, Is.EqualTo(10), "the dropped events are counted");
    }

    [Test]
    public void After_Dispose_the_device_and_its_ports_refuse_every_call_as_disposed()
    {
        var device = Started();
        EventPort port = device.GetPort(0);
        device.Dispose();
        var events = new Event[1];
        var calls = new (string Name, TestDelegate Call)[]
        {
            ("GetPort", () => device.GetPort(0)),
            ("Link", () => device.Link(1, 0)),
            ("Start", device.Start),
            ("Stop", () => device.Stop()),
            ("GetStats", () => device.GetStats()),
            ("port.Enqueue", () => port.Enqueue(new Event(1, 0, EventOperation.New, 0))),
            ("port.Dequeue", () => port.Dequeue(events)),
            ("port.Poll", () => port.Poll(events)),
            ("port.Maintain", port.Maintain),
        };
        foreach (var (name, call) in calls)
        {
            Assert.Throws<ObjectDisposedException>(call, $"{name} after Dispose throws ObjectDisposedException");
        }
    }
}
