using System;
using System.Threading;
using NUnit.Framework;
using Qos.EventCore.Tests.Stress;

namespace Qos.EventCore.Tests.Credits;

[TestFixture]
public sealed class CreditTests
{
    [Test]
    public void New_events_are_refused_at_the_threshold_forwards_still_pass_and_new_events_recover()
    {
        using var device = new EventDevice(new EventDeviceConfig
        {
            PortCount = 2,
            Queues = [new QueueConfig(ScheduleType.Atomic), new QueueConfig(ScheduleType.Atomic)],
            MaxInflight = 256,
            NewEventThreshold = 128,
            CreditChunk = 16,
            MigrationEnabled = false,
        });
        device.Link(1, 0);
        device.Link(1, 1);
        device.Start();
        EventPort producer = device.GetPort(0), worker = device.GetPort(1);
        var burst = new Event[8];
        int accepted = 0;
        for (int round = 0; round < 100; round++)
        {
            for (int i = 0; i < burst.Length; i++)
            {
                burst[i] = new Event((uint)i, 0, EventOperation.New, 0);
            }

            accepted += producer.Enqueue(burst);
            Assert.That(device.CreditsOnLoan, Is.InRange(0, 128), "new events never take the loans above the threshold");
        }

        Assert.That(accepted, Is.InRange(128 - 16, 128), "the producer was refused once the threshold was reached");
        Assert.That(device.GetStats().Ports[0].Refused, Is.GreaterThan(0), "refusals are counted");
        producer.Maintain();

        // The worker forwards what it dequeues to queue 1 while new events are still refused.
        var got = new Event[8];
        int n = worker.Dequeue(got);
        Assert.That(n, Is.EqualTo(8));
        for (int i = 0; i < n; i++)
        {
            got[i].QueueId = 1;
            got[i].Operation = EventOperation.Forward;
        }

        Assert.That(worker.Enqueue(got.AsSpan(0, n)), Is.EqualTo(n), "forwarded events pass under back-pressure");
        Assert.That(producer.Enqueue(burst), Is.Zero, "new events are still refused");

        // Drain and release everything: the producer recovers.
        int released = 0;
        for (int calls = 0; released < accepted && calls < 10_000; calls++)
        {
            n = worker.Dequeue(got);
            for (int i = 0; i < n; i++)
            {
                got[i].Operation = EventOperation.Release;
            }

            released += worker.Enqueue(got.AsSpan(0, n));
        }

        Assert.That(released, Is.EqualTo(accepted), "every accepted event was released once");
        Assert.That(producer.Enqueue(burst), Is.EqualTo(burst.Length), "new events are accepted again");
        Assert.That(device.CreditsOnLoan, Is.LessThanOrEqualTo(256), "loans within the limit");
    }

    [Test]
    [CancelAfter(60_000)]
    public void Credits_stay_within_bounds_under_load_and_are_all_accounted_for_when_quiet(CancellationToken token)
    {
        var harness = new PipelineHarness(producers: 2, workers: 2, stages: 2, flows: 16, perProducer: 100_000, new EventDeviceConfig
        {
            MaxInflight = 128,
            NewEventThreshold = 64,
            CreditChunk = 8,
            MigrationEnabled = false,
        });

        bool completed = harness.Run(token);
        Assert.That(completed, Is.True, $"the pipeline drains under tight credits: back-pressure does not deadlock (consumed {harness.Consumed} of {harness.Produced}, credits on loan {harness.Device.CreditsOnLoan})");
        Assert.That(harness.CreditViolations, Is.Zero, $"credits on loan stay within [0, 128]; first: {harness.FirstViolation}");
        Assert.That(harness.OrderViolations + harness.ExclusivityViolations, Is.Zero, $"order holds; first: {harness.FirstViolation}");
        var stats = harness.Device.GetStats();
        long held = 0;
        foreach (var port in stats.Ports)
        {
            Assert.That(port.CreditsHeld, Is.GreaterThanOrEqualTo(0), $"port {port.PortId} holds no negative credits");
            held += port.CreditsHeld;
        }

        Assert.That(stats.CreditsOnLoan, Is.EqualTo(held), "with no event in flight, the loans are exactly what the ports hold");
        Assert.That(harness.TotalOf(s => s.Refused), Is.GreaterThan(0), "back-pressure was exercised");
        harness.Device.Stop();
    }

    [Test]
    public void Idle_workers_keep_no_credits_so_one_producer_feeding_sixteen_workers_is_never_starved()
    {
        // 16 workers x one 64-credit chunk each would park the whole new-event budget (768 of 1024) in idle ports.
        using var device = new EventDevice(new EventDeviceConfig { PortCount = 17, MaxInflight = 1024, MigrationEnabled = false });
        for (int w = 1; w <= 16; w++)
        {
            device.Link(w, 0);
        }

        device.Start();
        EventPort producer = device.GetPort(0);
        var burst = new Event[32];
        var got = new Event[64];
        const int Rounds = 500;
        long accepted = 0, released = 0;
        for (int round = 0; round < Rounds; round++)
        {
            for (int i = 0; i < burst.Length; i++)
            {
                burst[i] = new Event((uint)((round * burst.Length) + i), 0, EventOperation.New, 0);
            }

            accepted += producer.Enqueue(burst);
            producer.Maintain();
            for (int w = 1; w <= 16; w++)
            {
                EventPort worker = device.GetPort(w);
                int n;
                while ((n = worker.Poll(got)) != 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        got[i].Operation = EventOperation.Release;
                    }

                    released += worker.Enqueue(got.AsSpan(0, n));
                }
            }
        }

        Assert.That(accepted, Is.EqualTo(Rounds * burst.Length), $"no new event is refused while the workers keep up (refusals: {device.GetStats().Ports[0].Refused})");
        Assert.That(released, Is.EqualTo(accepted), "every event reached a worker and was released");
        long idleHeld = 0;
        for (int w = 1; w <= 16; w++)
        {
            idleHeld += device.GetPort(w).CreditsHeld;
        }

        Assert.That(idleHeld, Is.Zero, "idle workers hold no credits");
        Assert.That(device.CreditsOnLoan, Is.EqualTo(producer.CreditsHeld), "with nothing in flight, only the producer's unspent chunk is on loan");
        device.Stop();
    }

    [Test]
    public void Quiet_producers_that_call_Maintain_give_back_their_leftover_credits()
    {
        // 16 producers that each sent one event and went quiet would hold 16 x 63 credits, above the 768 threshold.
        const int Quiet = 16;
        using var device = new EventDevice(new EventDeviceConfig { PortCount = Quiet + 2, MaxInflight = 1024, MigrationEnabled = false });
        int worker = Quiet + 1;
        device.Link(worker, 0);
        device.Start();
        for (int p = 0; p < Quiet; p++)
        {
            Assert.That(device.GetPort(p).Enqueue(new Event((uint)p, 0, EventOperation.New, 0)), Is.True);
            device.GetPort(p).Maintain();
        }

        var got = new Event[64];
        long received = 0;
        EventPort active = device.GetPort(Quiet);
        var burst = new Event[32];
        long accepted = 0;
        for (int round = 0; round < 100; round++)
        {
            for (int i = 0; i < burst.Length; i++)
            {
                burst[i] = new Event((uint)i, 0, EventOperation.New, 0);
            }

            accepted += active.Enqueue(burst);
            active.Maintain();
            int n;
            while ((n = device.GetPort(worker).Poll(got)) != 0)
            {
                received += n;
                for (int i = 0; i < n; i++)
                {
                    got[i].Operation = EventOperation.Release;
                }

                device.GetPort(worker).Enqueue(got.AsSpan(0, n));
            }
        }

        Assert.That(accepted, Is.EqualTo(100 * burst.Length), "the active producer is never refused while the quiet ones attend their ports");
        Assert.That(received, Is.EqualTo(accepted + Quiet), "every event arrived");
        for (int p = 0; p < Quiet; p++)
        {
            Assert.That(device.GetPort(p).CreditsHeld, Is.Zero, $"quiet producer {p} keeps no credits");
        }

        device.Stop();
    }
}
