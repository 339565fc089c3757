using System;
using System.Diagnostics;
using System.Threading;

namespace Qos.EventCore.Load;

/// <summary>
/// A port's load: the work offered to it as a share of what it can serve (its demand), 1 for a port that serves
/// exactly what arrives. A port turns busy on a dequeue that returns events and idle on one that returns none, and
/// counts what it served (<see cref="AddServed"/>); at each update it tells how much work waits for it (events in
/// its input ring and buffer). The sample is the busy share of the interval scaled by arrivals over service, where
/// arrivals = served + the backlog's growth: an idle-at-times port reads its busy share as before, an overloaded
/// port (busy all the time, backlog growing) reads above 1 by how far work arrives faster than it is served, and a
/// port draining a backlog after its flows moved away reads the lower rate at which work still arrives, not 1.
/// Busy time alone saturates at 1 and hides both. The sample is blended into a running average with a half-life
/// (by default one update interval: equal weights) and published for other ports to read, capped at
/// <see cref="MaxLoad"/>. Load that migrations are sending to the port is promised by the sources
/// (<see cref="AddImmigrationLoad"/>) as soon as they decide, so that several ports do not pick the same target
/// before its measured load shows the new flows; at the next update the promise is folded into the average, which
/// then decays towards what is measured, exactly as the source's own average does after
/// <see cref="RemoveEmigrationLoad"/>. Time is a parameter (any tick unit; the device uses Stopwatch ticks, the
/// balance simulator virtual nanoseconds), and so is the unit of work (any, the same for served and queued; the
/// device counts events, the simulator nanoseconds of service).
/// </summary>
internal sealed class LoadMeter
{
    public const int Scale = 1 << 16;

    /// <summary>Most a load reads, in <see cref="Scale"/> units (2: twice what the port can serve); a burst queued
    /// within one interval would otherwise read as a huge demand.</summary>
    public const int MaxLoad = 2 * Scale;

    private readonly long _interval;
    private readonly int _keep;
    private LoadMeterFields _f;

    /// <param name="intervalTicks">Time between updates.</param>
    /// <param name="now">The current time.</param>
    /// <param name="halfLifeTicks">Half-life of the running average; 0 or less: one interval (equal weights).</param>
    public LoadMeter(long intervalTicks, long now, long halfLifeTicks = 0)
    {
        Debug.Assert(intervalTicks > 0, "the load update interval is positive");
        _interval = intervalTicks;
        _f.IntervalStart = now;
        // Why: weight of the old average after one interval = 2^(-interval / half-life).
        _keep = halfLifeTicks <= 0 ? Scale / 2 : (int)Math.Round(Math.Pow(2, -(double)intervalTicks / halfLifeTicks) * Scale);
        Debug.Assert(_keep is >= 0 and <= Scale, "the old average's weight is a fraction");
    }

    /// <summary>The load other ports see: the published estimate plus load on its way here, 0 to
    /// <see cref="MaxLoad"/> / <see cref="Scale"/> (above 1: more work arrives than the port serves).</summary>
    public double Published => Math.Clamp(Volatile.Read(ref _f.Published) + Volatile.Read(ref _f.Immigration), 0, MaxLoad) / (double)Scale;

    public bool IsBusy => _f.Busy;

    public bool UpdateDue(long now) => now - _f.IntervalStart >= _interval;

    public void BecomeBusy(long now)
    {
        Debug.Assert(!_f.Busy, "only an idle port turns busy");
        _f.Busy = true;
        _f.BusyStart = now;
    }

    public void BecomeIdle(long now)
    {
        Debug.Assert(_f.Busy, "only a busy port turns idle");
        _f.Busy = false;
        _f.BusyTicks += now - _f.BusyStart;
    }

    /// <summary>The port served <paramref name="units"/> of work (events, say) since the last call.</summary>
    public void AddServed(long units)
    {
        Debug.Assert(units >= 0, "service is counted forwards");
        _f.Served += units;
    }

    /// <summary>Measures the interval that ends at <paramref name="now"/> and publishes the new estimate.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="queued">Work waiting for the port now, in the unit of <see cref="AddServed"/>; a port that
    /// does not know passes 0 every time and reads its busy share.</param>
    public void Update(long now, long queued)
    {
        long elapsed = now - _f.IntervalStart;
        if (elapsed <= 0)
        {
            return;
        }

        if (_f.Busy)
        {
            _f.BusyTicks += now - _f.BusyStart;
            _f.BusyStart = now;
        }

        int sample = Sample(Math.Min(_f.BusyTicks, elapsed), elapsed, _f.Served, queued - _f.QueuedAtStart);
        long promised = Math.Clamp((long)_f.Load + Interlocked.Exchange(ref _f.Immigration, 0), 0, MaxLoad);
        _f.Load = (int)(((promised * _keep) + ((long)sample * (Scale - _keep))) / Scale);
        Debug.Assert(_f.Load is >= 0 and <= MaxLoad, "a load is from 0 to MaxLoad");
        _f.BusyTicks = 0;
        _f.Served = 0;
        _f.QueuedAtStart = queued;
        _f.IntervalStart = now;
        Volatile.Write(ref _f.Published, _f.Load);
    }

    /// <summary>Demand over one interval, in <see cref="Scale"/> units: the busy share times arrivals over service
    /// (arrivals = served + backlog growth), i.e. the busy time the arrivals would take at the interval's cost per
    /// unit. Nothing served: no cost per unit to go by, the busy share.</summary>
    internal static int Sample(long busyTicks, long elapsed, long served, long backlogGrowth)
    {
        Debug.Assert(elapsed > 0 && busyTicks >= 0 && busyTicks <= elapsed, "busy time is part of the interval");
        double busy = busyTicks / (double)elapsed;
        double demand = served <= 0 ? busy : busy * Math.Max(0, served + backlogGrowth) / served;
        return (int)Math.Min(MaxLoad, demand * Scale);
    }

    /// <summary>From another port: a migration is sending about <paramref name="load"/> (1: a whole port) here (negative: a
    /// promise withdrawn).</summary>
    public void AddImmigrationLoad(double load) => Interlocked.Add(ref _f.Immigration, (int)(load * Scale));

    /// <summary>The source's own estimate drops by what it sent away, until its next measurement.</summary>
    public void RemoveEmigrationLoad(double load)
    {
        _f.Load = Math.Max(0, _f.Load - (int)(load * Scale));
        Volatile.Write(ref _f.Published, _f.Load);
    }

    /// <summary>The source's own estimate takes back a move it cancelled.</summary>
    public void RestoreEmigrationLoad(double load)
    {
        _f.Load = Math.Min(MaxLoad, _f.Load + (int)(load * Scale));
        Volatile.Write(ref _f.Published, _f.Load);
    }

    public void Reset(long now, long queued = 0)
    {
        _f.Busy = false;
        _f.BusyTicks = 0;
        _f.Served = 0;
        _f.QueuedAtStart = queued;
        _f.IntervalStart = now;
        _f.Load = 0;
        Volatile.Write(ref _f.Published, 0);
        Volatile.Write(ref _f.Immigration, 0);
    }
}
