using System;
using System.Diagnostics;
using System.Threading;

namespace Qos.EventCore.Load;

/// <summary>
/// A port's load: the share of wall time it was busy. A port turns busy on a dequeue that returns events and idle
/// on one that returns none; at each update the busy share of the interval is blended with the previous estimate
/// (equal weights) and published for other ports to read. Load that migrations are sending to the port is added
/// by the sources (<see cref="AddImmigrationLoad"/>) so that several ports do not pick the same target before its
/// measured load shows the new flows; it is folded in at the next update. Time is a parameter (Stopwatch ticks).
/// </summary>
internal sealed class LoadMeter
{
    public const int Scale = 1 << 16;

    private readonly long _interval;
    private bool _busy;
    private long _busyStart;
    private long _busyTicks;
    private long _intervalStart;
    private int _load;
    private int _published;
    private int _immigration;

    public LoadMeter(long intervalTicks, long now)
    {
        Debug.Assert(intervalTicks > 0, "the load update interval is positive");
        _interval = intervalTicks;
        _intervalStart = now;
    }

    /// <summary>The load other ports see: the published estimate plus load on its way here, 0 to 1.</summary>
    public double Published => Math.Min(Scale, Volatile.Read(ref _published) + Volatile.Read(ref _immigration)) / (double)Scale;

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
        _load = (_load + sample) / 2;
        _busyTicks = 0;
        _intervalStart = now;
        Interlocked.Exchange(ref _immigration, 0);
        Volatile.Write(ref _published, _load);
    }

    /// <summary>From another port: a migration is sending about <paramref name="load"/> (0 to 1) here.</summary>
    public void AddImmigrationLoad(double load) => Interlocked.Add(ref _immigration, (int)(load * Scale));

    /// <summary>The source's own estimate drops by what it sent away, until its next measurement.</summary>
    public void RemoveEmigrationLoad(double load)
    {
        _load = Math.Max(0, _load - (int)(load * Scale));
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
