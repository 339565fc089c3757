using System;
using System.Diagnostics;
using System.Threading;

namespace Qos.EventCore.Load;

/// <summary>
/// A port's load: the share of wall time it was busy. A port turns busy on a dequeue that returns events and idle
/// on one that returns none; at each update the busy share of the interval is blended into a running average with
/// a half-life (by default one update interval: equal weights) and published for other ports to read. Load that
/// migrations are sending to the port is promised by the sources (<see cref="AddImmigrationLoad"/>) as soon as they
/// decide, so that several ports do not pick the same target before its measured load shows the new flows; at the
/// next update the promise is folded into the average, which then decays towards what is measured, exactly as the
/// source's own average does after <see cref="RemoveEmigrationLoad"/>. Time is a parameter (any tick unit; the
/// device uses Stopwatch ticks, the balance simulator virtual nanoseconds).
/// </summary>
internal sealed class LoadMeter
{
    public const int Scale = 1 << 16;

    private readonly long _interval;
    private readonly int _keep;
    private bool _busy;
    private long _busyStart;
    private long _busyTicks;
    private long _intervalStart;
    private int _load;
    private int _published;
    private int _immigration;

    /// <param name="intervalTicks">Time between updates.</param>
    /// <param name="now">The current time.</param>
    /// <param name="halfLifeTicks">Half-life of the running average; 0 or less: one interval (equal weights).</param>
    public LoadMeter(long intervalTicks, long now, long halfLifeTicks = 0)
    {
        Debug.Assert(intervalTicks > 0, "the load update interval is positive");
        _interval = intervalTicks;
        _intervalStart = now;
        // Why: weight of the old average after one interval = 2^(-interval / half-life).
        _keep = halfLifeTicks <= 0 ? Scale / 2 : (int)Math.Round(Math.Pow(2, -(double)intervalTicks / halfLifeTicks) * Scale);
        Debug.Assert(_keep is >= 0 and <= Scale, "the old average's weight is a fraction");
    }

    /// <summary>The load other ports see: the published estimate plus load on its way here, 0 to 1.</summary>
    public double Published => Math.Clamp(Volatile.Read(ref _published) + Volatile.Read(ref _immigration), 0, Scale) / (double)Scale;

    public bool IsBusy => _busy;

    public bool UpdateDue(long now) => now - _intervalStart >= _interval;

    public void BecomeBusy(long now)
    {
        Debug.Assert(!_busy, "only an idle port turns busy");
        _busy = true;
        _busyStart = now;
    }

    public void BecomeIdle(long now)
    {
        Debug.Assert(_busy, "only a busy port turns idle");
        _busy = false;
        _busyTicks += now - _busyStart;
    }

    public void Update(long now)
    {
        long elapsed = now - _intervalStart;
        if (elapsed <= 0)
        {
            return;
        }

        if (_busy)
        {
            _busyTicks += now - _busyStart;
            _busyStart = now;
        }

        int sample = (int)Math.Min(Scale, _busyTicks * Scale / elapsed);
        long promised = Math.Clamp((long)_load + Interlocked.Exchange(ref _immigration, 0), 0, Scale);
        _load = (int)(((promised * _keep) + ((long)sample * (Scale - _keep))) / Scale);
        Debug.Assert(_load is >= 0 and <= Scale, "a load is from 0 to 1");
        _busyTicks = 0;
        _intervalStart = now;
        Volatile.Write(ref _published, _load);
    }

    /// <summary>From another port: a migration is sending about <paramref name="load"/> (0 to 1) here (negative: a
    /// promise withdrawn).</summary>
    public void AddImmigrationLoad(double load) => Interlocked.Add(ref _immigration, (int)(load * Scale));

    /// <summary>The source's own estimate drops by what it sent away, until its next measurement.</summary>
    public void RemoveEmigrationLoad(double load)
    {
        _load = Math.Max(0, _load - (int)(load * Scale));
        Volatile.Write(ref _published, _load);
    }

    /// <summary>The source's own estimate takes back a move it cancelled.</summary>
    public void RestoreEmigrationLoad(double load)
    {
        _load = Math.Min(Scale, _load + (int)(load * Scale));
        Volatile.Write(ref _published, _load);
    }

    public void Reset(long now)
    {
        _busy = false;
        _busyTicks = 0;
        _intervalStart = now;
        _load = 0;
        Volatile.Write(ref _published, 0);
        Volatile.Write(ref _immigration, 0);
    }
}
