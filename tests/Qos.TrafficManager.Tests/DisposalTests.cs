using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using NUnit.Framework;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Packets;
using static Qos.TrafficManager.Tests.Conformance.Profiles;

namespace Qos.TrafficManager.Tests;

/// <summary>
/// A disposed scheduler has given its native memory back: every public member refuses with an
/// <see cref="ObjectDisposedException"/> instead of reading or writing memory it no longer owns.
/// </summary>
[TestFixture]
public sealed class DisposalTests
{
    /// <summary>One call per public member, keyed by the member's signature. A new public member needs an entry here.</summary>
    private static readonly Dictionary<string, Action<PortScheduler>> Calls = new()
    {
        ["Int32 Enqueue(System.ReadOnlySpan`1[Qos.TrafficManager.Packets.Packet])"] = s => s.Enqueue([Packet.Create(1, 100, 0, 0, 12)]),
        ["Int32 Enqueue(System.ReadOnlySpan`1[Qos.TrafficManager.Packets.Packet], System.Span`1[Qos.TrafficManager.Packets.Packet])"] =
            s => s.Enqueue([Packet.Create(1, 100, 0, 0, 12)], new Packet[1]),
        ["Int32 Dequeue(System.Span`1[Qos.TrafficManager.Packets.Packet])"] = s => s.Dequeue(new Packet[64]),
        ["Void ChangePipeProfile(Int32, Int32, Int32)"] = s => s.ChangePipeProfile(0, 0, 0),
        ["Int32 PipeProfileOf(Int32, Int32)"] = s => s.PipeProfileOf(0, 0),
        ["Void ChangeSubportProfile(Int32, Int32)"] = s => s.ChangeSubportProfile(0, 0),
        ["Void SetOversubscription(Int32, Boolean)"] = s => s.SetOversubscription(0, true),
        ["Boolean IsOversubscriptionEnabled(Int32)"] = s => s.IsOversubscriptionEnabled(0),
        ["Int64 OversubscriptionWatermark(Int32)"] = s => s.OversubscriptionWatermark(0),
        ["Qos.TrafficManager.Stats.ClassStats ReadClassStats(Int32, Int32, Boolean)"] = s => s.ReadClassStats(0, 12, clear: true),
        ["Qos.TrafficManager.Stats.QueueStats ReadQueueStats(Int32, Int32, Int32, Int32, Boolean)"] = s => s.ReadQueueStats(0, 0, 12, 0, clear: true),
        ["Int32 QueueLength(Int32, Int32, Int32, Int32)"] = s => s.QueueLength(0, 0, 12),
        ["Qos.TrafficManager.Configuration.PortConfig get_Config()"] = s => _ = s.Config,
        ["Int32 get_PipeCount()"] = s => _ = s.PipeCount,
        ["Int64 get_PortTime()"] = s => _ = s.PortTime,
        ["Int64 get_QueuedPackets()"] = s => _ = s.QueuedPackets,
        ["Int64 get_MemoryBytes()"] = s => _ = s.MemoryBytes,
        ["Int64 Flush(System.Action`1[Qos.TrafficManager.Packets.Packet])"] = s => s.Flush(),
    };

    /// <summary>Every public instance method and property accessor PortScheduler declares, but Dispose.</summary>
    private static IEnumerable<TestCaseData> PublicMembers() =>
        from method in typeof(PortScheduler).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        where method.Name != nameof(PortScheduler.Dispose)
        from pipes in new[] { 8, 4096 }
        select new TestCaseData(method.ToString(), pipes).SetArgDisplayNames($"{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.Name))})", $"{pipes} pipes");

    [TestCaseSource(nameof(PublicMembers))]
    public void Every_public_member_refuses_to_run_after_Dispose(string member, int pipes)
    {
        Assert.That(Calls.TryGetValue(member, out var call), Is.True, $"{member} has no call in {nameof(DisposalTests)}.{nameof(Calls)}: every public member must be checked after Dispose");
        var scheduler = Backlogged(pipes);
        scheduler.Dispose();
        Assert.Throws<ObjectDisposedException>(() => call!(scheduler), $"{member} after Dispose throws instead of touching freed memory");
    }

    [Test]
    public void Every_call_in_the_list_names_a_public_member()
    {
        var members = typeof(PortScheduler).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => m.ToString()).ToHashSet();
        Assert.That(Calls.Keys.Where(k => !members.Contains(k)), Is.Empty, "the list holds no call for a member that no longer exists");
    }

    [Test]
    public void Dispose_can_be_called_twice()
    {
        var scheduler = Backlogged(8);
        scheduler.Dispose();
        Assert.DoesNotThrow(scheduler.Dispose, "Dispose is idempotent");
    }

    [Test]
    public void Every_call_in_the_list_runs_before_Dispose()
    {
        using var scheduler = Backlogged(8);
        foreach (var (member, call) in Calls)
        {
            Assert.DoesNotThrow(() => call(scheduler), $"{member}: the call the disposal test makes is valid on a live scheduler");
        }
    }

    /// <summary>A port with packets queued, so a call after Dispose would find pointers into memory worth reading.</summary>
    private static PortScheduler Backlogged(int pipes)
    {
        var config = Port(Gigabit, Subport(Gigabit), [Pipe(1_000_000)], [new Configuration.PipeGroup(pipes, 0)], queueSize: 8);
        var scheduler = new PortScheduler(config, new VirtualByteClock(Gigabit, 1_000_000));
        var burst = Enumerable.Range(0, 64).Select(i => Packet.Create((ulong)i, 100, 0, i % pipes, 12, i % 4)).ToArray();
        Assert.That(scheduler.Enqueue(burst), Is.EqualTo(burst.Length), "the backlog is queued");
        return scheduler;
    }
}
