using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using NUnit.Framework;
using Qos.TrafficManager.Classification;

namespace Qos.TrafficManager.Tests.Classification;

/// <summary>The offload table's cost bounds: what a probe reads, however full or crowded the table is.</summary>
[TestFixture]
public sealed class OffloadBoundsTests
{
    private const int Slots = OffloadBuckets.BucketSlots;

    private static FlowKey Key(int i)
    {
        var p = new ParsedFrame { IpVersion = 4, Protocol = 17, Source = (uint)i, Destination = 1, SourcePort = 1, DestinationPort = 2, HasPorts = true };
        return new FlowKey(in p);
    }

    private static ulong Hash(in FlowKey key) => key.TableHash();

    private static bool Offer(OffloadTable t, int flow)
    {
        var key = Key(flow);
        if (t.TryLookup(in key, out ulong hash, out _, out _))
        {
            return true;
        }

        t.AddMiss(in key, hash, key.FlowId, (ulong)flow);
        return false;
    }

    [TestCase(1)]
    [TestCase(16)]
    public void A_miss_of_a_full_table_probes_one_bucket_and_one_pending_bucket_per_sample_and_compares_no_key(int sample)
    {
        RequireProbeCounters();
        var t = new OffloadTable(entries: 4096, pending: 16384, maxSwaps: 64, sample: sample, now: 0);
        for (int f = 0; f < 200_000; f++)
        {
            Offer(t, f);
        }

        Assert.That(t.Stats.OutOfResources, Is.True);
        Assert.That(t.OffloadedCount, Is.GreaterThan(4096 * 99 / 100), "buckets at half load turn few flows away");
        Assert.That(t.PendingCount, Is.GreaterThan(sample == 1 ? 16000 : 10000), "the pending set is (nearly) full too: the worst case for a miss");

        long slots = t.SlotsProbed;
        long compares = t.KeyCompares;
        long sampled = t.Stats.Sampled;
        const int Misses = 100_000;
        for (int f = 1_000_000; f < 1_000_000 + Misses; f++)
        {
            Assert.That(Offer(t, f), Is.False);
        }

        long sampledNow = t.Stats.Sampled - sampled;
        Assert.That(t.SlotsProbed - slots, Is.EqualTo((Misses + sampledNow) * Slots), "a miss reads one line of the table, a sampled miss one more of the pending set");
        Assert.That(sampledNow, Is.InRange(Misses / sample * 9 / 10, Misses / sample * 11 / 10), "one miss in `sample` touches the pending set");
        Assert.That(t.KeyCompares - compares, Is.Zero, "a new flow matches no tag, so a miss reads no entry");
    }

    [Test]
    public void A_crowded_bucket_turns_flows_away_instead_of_lengthening_any_probe()
    {
        RequireProbeCounters();
        var t = new OffloadTable(entries: 4096, pending: 64, maxSwaps: 64, sample: 1, now: 0);
        int bucketMask = 4096 * 2 / Slots - 1;
        var crowd = new List<int>();
        for (int f = 0; crowd.Count < 3 * Slots; f++)
        {
            var key = Key(f);
            if (((int)Hash(in key) & bucketMask) == 0)
            {
                crowd.Add(f);
            }
        }

        foreach (int f in crowd)
        {
            Offer(t, f);
        }

        var s = t.Stats;
        Assert.That((t.OffloadedCount, s.BucketFull, s.OutOfResources), Is.EqualTo((Slots, (long)(2 * Slots), true)),
            "16 flows fill their bucket; the other 32 find it full although the table has room");
        Assert.That(t.PendingCount, Is.EqualTo(2 * Slots), "and wait as pending");

        long slots = t.SlotsProbed;
        long compares = t.KeyCompares;
        int hits = 0;
        foreach (int f in crowd)
        {
            hits += Offer(t, f) ? 1 : 0;
        }

        Assert.That(hits, Is.EqualTo(Slots));
        Assert.That(t.SlotsProbed - slots, Is.EqualTo((crowd.Count + 2 * Slots) * Slots), "each lookup reads its one bucket (and each pending flow's sampled miss one pending bucket), crowded or not");
        Assert.That(t.KeyCompares - compares, Is.EqualTo(Slots + 2 * Slots), "one key compare per hit and per pending flow found");
    }

    [Test]
    public void An_entry_is_one_cache_line_and_a_bucket_of_tags_is_one()
    {
        Assert.That(Unsafe.SizeOf<OffloadEntry>(), Is.EqualTo(64));
        Assert.That(Unsafe.SizeOf<FlowKey>(), Is.EqualTo(48));
        var entries = new CacheLineArray<OffloadEntry>(3);
        var tags = new CacheLineArray<uint>(64);
        Assert.That(Address(ref entries[0]) % 64, Is.Zero, "the first entry starts a line");
        Assert.That(Address(ref entries[1]) - Address(ref entries[0]), Is.EqualTo(64));
        Assert.That(Address(ref tags[0]) % 64, Is.Zero);
        Assert.That(Address(ref tags[Slots]) % 64, Is.Zero, "every bucket of 16 tags starts a line");
    }

    [Test]
    public void The_key_compare_covers_every_field_of_the_key_and_nothing_else()
    {
        var k = Key(7);
        ref byte start = ref Unsafe.As<FlowKey, byte>(ref k);
        Assert.That((int)Unsafe.ByteOffset(ref start, ref Unsafe.AsRef(in k.Tags)), Is.EqualTo(43),
            "the fields end at byte 44: the compare reads bytes 0..43");

        var base_ = new ParsedFrame { IpVersion = 6, Protocol = 6, Source = 11, Destination = 12, SourcePort = 13, DestinationPort = 14, HasPorts = true, VlanCount = 2, OuterVlan = 15, InnerVlan = 16, OuterPcp = 3, Dscp = 17 };
        var variants = new Func<ParsedFrame, ParsedFrame>[]
        {
            p => { p.Source = (UInt128)11 << 100; return p; },
            p => { p.Destination = 13; return p; },
            p => { p.SourcePort = 99; return p; },
            p => { p.DestinationPort = 99; return p; },
            p => { p.OuterVlan = 99; return p; },
            p => { p.InnerVlan = 99; return p; },
            p => { p.Protocol = 17; return p; },
            p => { p.Dscp = 18; return p; },
            p => { p.IpVersion = 4; return p; },
            p => { p.VlanCount = 1; return p; },
            p => { p.OuterPcp = 4; return p; },
            p => { p.IsFragment = true; return p; },
        };
        var a = new FlowKey(in base_);
        var same = new FlowKey(in base_);
        Assert.That(OffloadBuckets.SameKey(in a, in same), Is.True);
        foreach (var change in variants)
        {
            var changed = change(base_);
            var b = new FlowKey(in changed);
            Assert.That(OffloadBuckets.SameKey(in a, in b), Is.EqualTo(a.Equals(b)).And.False, "a key differing in one field is another flow");
        }
    }

    private static unsafe long Address<T>(ref T value) => (long)Unsafe.AsPointer(ref value);

    private static void RequireProbeCounters()
    {
#if !DEBUG
        Assert.Ignore("the probe counters are kept in Debug builds only (they would cost every lookup)");
#endif
    }
}
