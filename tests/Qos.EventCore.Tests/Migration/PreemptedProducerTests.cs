using System;
using System.Collections.Generic;
using NUnit.Framework;
using Qos.EventCore.Migration;
using Qos.EventCore.Scheduling;

namespace Qos.EventCore.Tests.Migration;

/// <summary>
/// A producer preempted between reserving slots on the old owner's ring and publishing them must not let events of a
/// migrating flow that were published behind its slots stay with the old owner while the new owner takes newer ones.
/// Deterministic: one thread drives every port, and the preempted producer is a reservation the test holds open.
/// </summary>
[TestFixture]
public sealed class PreemptedProducerTests
{
    [Test]
    public void A_migration_waits_for_a_reserved_slot_and_the_flow_keeps_its_order()
    {
        var policy = new ScriptedMigrationPolicy();
        using var device = new EventDevice(new EventDeviceConfig
        {
            PortCount = 3,
            MigrationPolicy = policy,
            MigrationIntervalMicroseconds = 1,
            MigrationHoldDownMicroseconds = 0,
            OperationsPerBackgroundTask = 1,
        });
        device.Link(1, 0);
        device.Link(2, 0);
        device.Start();
        uint flow = FlowOwnedBy(device, 1, avoidHash: -1);
        uint other = FlowOwnedBy(device, 1, avoidHash: FlowHash.Of(flow));
        EventPort producer = device.GetPort(0), oldOwner = device.GetPort(1), newOwner = device.GetPort(2);
        var seen = new List<(int Port, ulong Seq)>();
        var burst = new Event[64];
        ulong nextSeq = 0;

        void Send(int count)
        {
            for (int i = 0; i < count; i++)
            {
                Assert.That(producer.Enqueue(new Event(flow, 0, EventOperation.New, nextSeq++)), Is.True, "credits are plenty");
            }

            producer.Maintain();
        }

        void Round()
        {
            producer.Maintain();
            foreach (EventPort worker in new[] { oldOwner, newOwner })
            {
                int n = worker.Poll(burst);
                for (int i = 0; i < n; i++)
                {
                    if (burst[i].FlowId == flow)
                    {
                        seen.Add((worker.Id, burst[i].Payload));
                    }

                    burst[i].Operation = EventOperation.Release;
                }

                worker.Enqueue(burst.AsSpan(0, n));
            }
        }

        // The old owner processes the flow's first events, so the flow is among its recent ones.
        Send(4);
        Round();
        Assert.That(seen, Has.Count.EqualTo(4), "the first events reach the owner");

        // A producer reserves a slot on the old owner's ring and is preempted before it publishes; events of the
        // flow are published behind that slot.
        Assert.That(device.Credits.TryBorrow(1, device.Credits.MaxInflight), Is.True, "the preempted producer holds a credit for its event");
        Assert.That(oldOwner.InputRing.TryReserve(1, out long reserved), Is.True);
        Send(4);

        policy.Arm(0, FlowHash.Of(flow), 2);
        for (int round = 0; round < 200; round++)
        {
            Round();
        }

        Assert.That(oldOwner.MigrationState, Is.EqualTo(MigrationState.Forwarding), "the migration got every confirmation and waits to forward");
        Assert.That(device.OwnerOf(0, flow), Is.EqualTo(1), "the flow does not move while an event of it may sit behind an unpublished slot");
        Send(4);
        oldOwner.InputRing.Publish(reserved, [new Event(other, 0, EventOperation.New, 0)]);
        for (int round = 0; round < 200 && (oldOwner.MigrationState != MigrationState.Idle || seen.Count < 12); round++)
        {
            Round();
        }

        Assert.That(oldOwner.MigrationState, Is.EqualTo(MigrationState.Idle), "the migration ends once the slot is published");
        Assert.That(device.OwnerOf(0, flow), Is.EqualTo(2), "the flow moved");
        Assert.That(seen.ConvertAll(s => s.Seq), Is.EqualTo(new ulong[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }),
            $"every event of the flow is processed once, in order, across the move (port, seq): {string.Join(" ", seen)}");
        Assert.That(seen.FindAll(s => s.Seq >= 8).TrueForAll(s => s.Port == 2), Is.True, "events sent after the move reach the new owner");
        Assert.That(device.Stop(), Is.Zero, "nothing is left in the device");
    }

    private static uint FlowOwnedBy(EventDevice device, int port, int avoidHash)
    {
        for (uint f = 0; ; f++)
        {
            if (device.OwnerOf(0, f) == port && FlowHash.Of(f) != avoidHash)
            {
                return f;
            }
        }
    }
}
