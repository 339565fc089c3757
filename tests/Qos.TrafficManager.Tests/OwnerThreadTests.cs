using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;
using static Qos.TrafficManager.Tests.Conformance.Profiles;

namespace Qos.TrafficManager.Tests;

/// <summary>A port scheduler has one owner thread: in Debug builds every member that reads or changes its state asserts it.</summary>
[TestFixture]
public sealed class OwnerThreadTests
{
    private static readonly Dictionary<string, Action<PortScheduler>> Readers = new()
    {
        ["ReadClassStats"] = s => s.ReadClassStats(0, 12),
        ["ReadQueueStats"] = s => s.ReadQueueStats(0, 0, 12),
        ["QueueLength"] = s => s.QueueLength(0, 0, 12),
        ["PipeProfileOf"] = s => s.PipeProfileOf(0, 0),
        ["IsOversubscriptionEnabled"] = s => s.IsOversubscriptionEnabled(0),
        ["OversubscriptionWatermark"] = s => s.OversubscriptionWatermark(0),
        ["PortTime"] = s => _ = s.PortTime,
        ["QueuedPackets"] = s => _ = s.QueuedPackets,

        // Why: a control; Dequeue asserted its owner before the readers did, so this case shows the check is observable here.
        ["Dequeue"] = s => s.Dequeue(new Packet[1]),
    };

    private static IEnumerable<string> ReaderNames => Readers.Keys;

    [TestCaseSource(nameof(ReaderNames))]
    public void A_reader_called_from_another_thread_than_the_owner_fails_its_assertion_in_debug_builds(string reader)
    {
#if !DEBUG
        Assert.Ignore($"the owner assertion of {reader} is compiled into Debug builds only");
#endif
        using var scheduler = new PortScheduler(Port(Gigabit, Subport(Gigabit), [Pipe(1_000_000)], [new PipeGroup(4, 0)]), new VirtualByteClock(Gigabit, 1_000));
        scheduler.Enqueue([Packet.Create(1, 100, 0, 0, 12)]);
        Readers[reader](scheduler);
        Exception? caught = null;
        var other = new Thread(() =>
        {
            try
            {
                Readers[reader](scheduler);
            }
            catch (Exception e)
            {
                caught = e;
            }
        });
        other.Start();
        other.Join();
        Assert.That(caught?.Message, Does.Contain("owned by one thread"), $"{reader} asserts the owner thread, as Enqueue and Dequeue do");
    }
}
