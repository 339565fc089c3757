using System.Linq;
using NUnit.Framework;
using Qos.TrafficManager.Classification;

namespace Qos.TrafficManager.Tests.Classification;

[TestFixture]
public sealed class OffloadTableTests
{
    private static FlowKey Key(int i)
    {
        var p = new ParsedFrame { IpVersion = 4, Protocol = 17, Source = (uint)i, Destination = 1, SourcePort = 1, DestinationPort = 2, HasPorts = true };
        return new FlowKey(in p);
    }

    private static void Send(OffloadTable t, int flow, int packets)
    {
        var key = Key(flow);
        for (int i = 0; i < packets; i++)
        {
            if (!t.TryLookup(in key, out ulong hash, out _, out _))
            {
                t.AddMiss(in key, hash, key.FlowId, (ulong)flow);
            }
        }
    }

    private static bool Offloaded(OffloadTable t, int flow) => t.TryGetRate(Key(flow), 1, out _, out bool offloaded) && offloaded;

    [Test]
    public void A_full_table_is_out_of_resources_and_remembers_new_flows_as_pending()
    {
        var t = new OffloadTable(entries: 4, pending: 2, maxSwaps: 8, sample: 1, now: 0);
        for (int f = 0; f < 4; f++)
        {
            Send(t, f, 1);
        }

        Assert.That(t.Stats.OutOfResources, Is.False);
        Send(t, 10, 3);
        Send(t, 11, 1);
        Send(t, 12, 1);
        var s = t.Stats;
        Assert.That((s.Offloaded, s.Pending, s.OutOfResources, s.PendingOverflows), Is.EqualTo((4, 2, true, 1L)), "the pending set is bounded too");
        Assert.That(t.TryGetRate(Key(10), 1_000_000_000, out double pps, out bool offloaded), Is.True);
        Assert.That((pps, offloaded), Is.EqualTo((3.0, false)));
        Assert.That(s.Hits, Is.EqualTo(0));
    }

    [Test]
    public void Rebalancing_swaps_exactly_the_slowest_offloaded_flows_for_strictly_faster_pending_ones()
    {
        var t = new OffloadTable(entries: 4, pending: 8, maxSwaps: 8, sample: 1, now: 0);
        int[] offloadRates = [1, 5, 10, 20];
        for (int f = 0; f < 4; f++)
        {
            Send(t, f, offloadRates[f]);
        }

        // Fastest pending against slowest offloaded: 30 > 1 and 10 > 5 swap; 6 > 10 fails, so the pass stops.
        Send(t, 100, 30);
        Send(t, 101, 6);
        Send(t, 102, 10);
        Send(t, 103, 2);
        t.Rebalance(3_000_000_000);

        Assert.That(new[] { 100, 102, 2, 3 }.All(f => Offloaded(t, f)), Is.True);
        Assert.That(new[] { 0, 1, 101, 103 }.Any(f => Offloaded(t, f)), Is.False);
        var s = t.Stats;
        Assert.That((s.Swaps, s.Offloaded, s.Pending, s.OutOfResources), Is.EqualTo((2L, 4, 4, true)), "demoted flows become pending");
    }

    [Test]
    public void Swaps_are_bounded_per_interval()
    {
        var t = new OffloadTable(entries: 4, pending: 8, maxSwaps: 1, sample: 1, now: 0);
        for (int f = 0; f < 4; f++)
        {
            Send(t, f, 1);
        }

        Send(t, 100, 50);
        Send(t, 101, 40);
        t.Rebalance(1);
        Assert.That(t.Stats.Swaps, Is.EqualTo(1));
        Assert.That(Offloaded(t, 100) && !Offloaded(t, 101), Is.True, "the single swap goes to the fastest pending flow");
    }

    [Test]
    public void Rebalancing_never_swaps_when_no_pending_flow_is_faster()
    {
        var t = new OffloadTable(entries: 2, pending: 8, maxSwaps: 8, sample: 1, now: 0);
        Send(t, 0, 5);
        Send(t, 1, 5);
        Send(t, 100, 5);
        Send(t, 101, 4);
        t.Rebalance(1);
        Assert.That(t.Stats.Swaps, Is.Zero);
        Assert.That(Offloaded(t, 0) && Offloaded(t, 1), Is.True);
    }

    [Test]
    public void Idle_pending_flows_are_forgotten_and_out_of_resources_clears_when_none_wait()
    {
        var t = new OffloadTable(entries: 2, pending: 8, maxSwaps: 8, sample: 1, now: 0);
        Send(t, 0, 5);
        Send(t, 1, 5);
        Send(t, 100, 1);
        t.Rebalance(1);
        Assert.That(t.Stats.OutOfResources, Is.True);
        t.Rebalance(2);
        Assert.That((t.Stats.Pending, t.Stats.OutOfResources), Is.EqualTo((0, false)));
    }

    [Test]
    public void With_sampling_a_pending_flow_is_counted_on_one_miss_in_sample_and_its_rate_estimated_from_them()
    {
        var t = new OffloadTable(entries: 4, pending: 8, maxSwaps: 8, sample: 16, now: 0);
        for (int f = 0; f < 4; f++)
        {
            Send(t, f, 20);
        }

        Send(t, 100, 3200);
        var s = t.Stats;
        Assert.That(s.Sampled, Is.InRange(180, 220), "3200 misses of a full table, one in 16 sampled");
        Assert.That(t.TryGetRate(Key(100), 1_000_000_000, out double pps, out bool offloaded) && !offloaded, Is.True);
        Assert.That(pps, Is.InRange(2900, 3500), "the estimate is samples x 16");
        Assert.That(t.TryGetRate(Key(0), 1_000_000_000, out pps, out offloaded) && offloaded && pps == 20, Is.True, "offloaded flows are counted exactly");

        t.Rebalance(1_000_000_000);
        Assert.That(Offloaded(t, 100), Is.True, "the estimate outranks the slowest offloaded flow");
        Assert.That(t.Stats.Swaps, Is.EqualTo(1));
    }

    [Test]
    public void Without_rebalancing_the_first_flows_keep_the_table()
    {
        var t = new OffloadTable(entries: 2, pending: 8, maxSwaps: 8, sample: 1, now: 0);
        Send(t, 0, 1);
        Send(t, 1, 1);
        Send(t, 100, 100);
        t.Rebalance(1, rebalance: false);
        Assert.That(Offloaded(t, 100), Is.False);
        Assert.That(t.Stats.Swaps, Is.Zero);
    }
}
