using System.Diagnostics;
using System.Threading;

namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// How a pipeline thread waits when a turn found nothing to do: a few short spins, then it yields the core (to the
/// other stages, which on a machine with fewer cores than threads are what it is waiting for), and after
/// <see cref="SleepAfterTicks"/> of idleness with nothing held it sleeps 1 ms at a time. Reset as soon as work comes.
/// Why so long before sleeping: a stage that sleeps 1 ms while traffic flows lets 4,096 credits' worth of events
/// (under a millisecond at 5 Mpps) pile up behind it, and RX drops; a gap of a few milliseconds happens whenever
/// another stage is descheduled, so only a pipeline idle for 100 ms sleeps.
/// </summary>
internal struct IdleWait
{
    private static readonly long SleepAfterTicks = Stopwatch.Frequency / 10;   // 100 ms

    private int _rounds;
    private long _idleSince;

    public void Reset()
    {
        _rounds = 0;
        _idleSince = 0;
    }

    /// <param name="maySleep">False while the thread holds work that time alone releases (queued packets): it
    /// then never sleeps, only yields.</param>
    public void Wait(bool maySleep)
    {
        if (++_rounds <= 8)
        {
            Thread.SpinWait(20);
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (_idleSince == 0)
        {
            _idleSince = now;
        }

        if (maySleep && now - _idleSince > SleepAfterTicks)
        {
            Thread.Sleep(1);
        }
        else
        {
            Thread.Yield();
        }
    }
}
