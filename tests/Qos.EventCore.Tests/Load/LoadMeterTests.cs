using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NUnit.Framework;
using Qos.EventCore.Load;

namespace Qos.EventCore.Tests.Load;

/// <summary>The load meter on hand-fed intervals: time, service and backlog chosen so the right reading is known.</summary>
[TestFixture]
public sealed class LoadMeterTests
{
    private const long Interval = 1000;
    private const double OneStep = 1.0 / LoadMeter.Scale;

    /// <summary>A half-life of one tick against a 1000-tick interval: the old average weighs 2^-1000, so each
    /// update publishes its own sample.</summary>
    private static LoadMeter Unsmoothed() => new(Interval, now: 0, halfLifeTicks: 1);

    /// <summary>One interval ending at <paramref name="end"/>: busy from its start for <paramref name="busy"/> ticks,
    /// <paramref name="served"/> units served, <paramref name="queued"/> units waiting at its end.</summary>
    private static double Measure(LoadMeter meter, long end, long busy, long served, long queued)
    {
        long start = end - Interval;
        if (busy > 0)
        {
            meter.BecomeBusy(start);
            meter.AddServed(served);
            if (busy < Interval)
            {
                meter.BecomeIdle(start + busy);
            }
        }

        Assert.That(meter.UpdateDue(end), Is.True, "an update is due one interval after the last");
        meter.Update(end, queued);
        if (meter.IsBusy)
        {
            meter.BecomeIdle(end);
        }

        return meter.Published;
    }

    [Test]
    public void A_port_whose_backlog_stays_empty_reads_its_busy_share()
    {
        LoadMeter meter = Unsmoothed();
        Assert.That(Measure(meter, 1000, busy: 600, served: 60, queued: 0), Is.EqualTo(0.6).Within(OneStep), "busy 600 of 1000 ticks");
        Assert.That(Measure(meter, 2000, busy: 0, served: 0, queued: 0), Is.EqualTo(0).Within(OneStep), "idle all interval");
    }

    [Test]
    public void An_overloaded_port_reads_above_one_by_how_much_faster_work_arrives_than_it_is_served()
    {
        // Busy the whole interval, 100 events served and 30 more queued than at the start: 130 arrived, 1.3.
        LoadMeter meter = Unsmoothed();
        Assert.That(Measure(meter, 1000, busy: 1000, served: 100, queued: 30), Is.EqualTo(1.3).Within(OneStep),
            "busy time alone would read 1.0; the growing backlog shows the demand of 1.3");
        Assert.That(Measure(meter, 2000, busy: 1000, served: 100, queued: 60), Is.EqualTo(1.3).Within(OneStep),
            "the backlog keeps growing by 30 an interval: still 1.3");
    }

    [Test]
    public void A_port_draining_its_backlog_reads_the_rate_at_which_work_still_arrives()
    {
        // 60 queued after an overload; its heavy flow moved away and 40 events arrive in the next interval, in which
        // the port, busy throughout, serves 100 and empties its backlog.
        LoadMeter meter = Unsmoothed();
        Assert.That(Measure(meter, 1000, busy: 1000, served: 100, queued: 60), Is.EqualTo(1.6).Within(OneStep), "overloaded: 160 arrived");
        Assert.That(Measure(meter, 2000, busy: 1000, served: 100, queued: 0), Is.EqualTo(0.4).Within(OneStep),
            "busy all interval, yet only 40 events arrived: 0.4, not 1.0");
    }

    [Test]
    public void Service_time_per_event_comes_from_the_interval_itself()
    {
        // Busy half the interval for 50 events (10 ticks each); 25 more queued: 75 events would take 750 ticks.
        LoadMeter meter = Unsmoothed();
        Assert.That(Measure(meter, 1000, busy: 500, served: 50, queued: 25), Is.EqualTo(0.75).Within(OneStep), "75 events at 10 ticks in 1000");
    }

    [Test]
    public void A_burst_reads_at_most_twice_the_capacity_and_nothing_served_reads_the_busy_share()
    {
        LoadMeter meter = Unsmoothed();
        Assert.That(Measure(meter, 1000, busy: 1000, served: 10, queued: 1000), Is.EqualTo(LoadMeter.MaxLoad / (double)LoadMeter.Scale),
            "1010 arrivals for 10 served would read 101: capped at 2");
        Assert.That(LoadMeter.MaxLoad, Is.EqualTo(2 * LoadMeter.Scale), "the cap is twice a port's capacity");
        LoadMeter stalled = Unsmoothed();
        Assert.That(Measure(stalled, 1000, busy: 0, served: 0, queued: 50), Is.EqualTo(0),
            "with nothing served there is no cost per event to turn arrivals into time");
    }

    [Test]
    public void The_running_average_and_the_migration_promises_carry_loads_above_one()
    {
        // Default half-life (one interval): each update weighs as much as the past.
        var meter = new LoadMeter(Interval, now: 0);
        Assert.That(Measure(meter, 1000, busy: 1000, served: 100, queued: 30), Is.EqualTo(0.65).Within(OneStep), "(0 + 1.3) / 2");
        Assert.That(Measure(meter, 2000, busy: 1000, served: 100, queued: 60), Is.EqualTo(0.975).Within(2 * OneStep), "(0.65 + 1.3) / 2");
        Assert.That(Measure(meter, 3000, busy: 1000, served: 100, queued: 90), Is.EqualTo(1.1375).Within(3 * OneStep), "(0.975 + 1.3) / 2: above 1");
        meter.RemoveEmigrationLoad(0.25);
        Assert.That(meter.Published, Is.EqualTo(0.8875).Within(4 * OneStep), "a 0.25 flow sent away comes off at once");
        meter.RestoreEmigrationLoad(0.25);
        Assert.That(meter.Published, Is.EqualTo(1.1375).Within(4 * OneStep), "a cancelled move gives it back, above 1 again");
        meter.AddImmigrationLoad(0.5);
        Assert.That(meter.Published, Is.EqualTo(1.6375).Within(4 * OneStep), "a promise to the port shows at once, above 1 too");
    }

    [Test]
    public void A_meters_mutable_fields_sit_between_128_bytes_of_padding_so_neighbouring_ports_share_no_line()
    {
        string[] fields =
        [
            nameof(LoadMeterFields.BusyStart), nameof(LoadMeterFields.BusyTicks), nameof(LoadMeterFields.Served),
            nameof(LoadMeterFields.QueuedAtStart), nameof(LoadMeterFields.IntervalStart), nameof(LoadMeterFields.Load),
            nameof(LoadMeterFields.Published), nameof(LoadMeterFields.Immigration), nameof(LoadMeterFields.Busy),
        ];
        int size = Unsafe.SizeOf<LoadMeterFields>();
        foreach (string field in fields)
        {
            int offset = Marshal.OffsetOf<LoadMeterFields>(field).ToInt32();
            Assert.That(offset, Is.GreaterThanOrEqualTo(128), $"{field}: 128 bytes of padding before it");
            Assert.That(size - offset - 8, Is.GreaterThanOrEqualTo(128), $"{field}: 128 bytes of padding after it");
        }

        Assert.That(typeof(LoadMeterFields).GetFields().Length, Is.EqualTo(fields.Length + 2), "every mutable field is checked here (plus the two layout constants)");
    }
}
