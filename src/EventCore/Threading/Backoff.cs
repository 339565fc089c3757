using System.Diagnostics;
using System.Threading;

namespace Qos.EventCore.Threading;

/// <summary>
/// How an idle port waits: spin for the first microseconds, then yield the core, and only after a couple of
/// milliseconds with nothing to do sleep briefly, so that more threads than cores still make progress. Reset as
/// soon as work arrives. The ladder is by idle time, not by round count: sleeping after a burst of quick empty
/// polls would cap throughput at one in-flight budget per sleep.
/// </summary>
internal struct Backoff
{
    private static readonly long _spinTicks = Stopwatch.Frequency / 50_000;  // 20 µs
    private static readonly long _yieldTicks = Stopwatch.Frequency / 500;    // 2 ms

    private long _idleSince;
    private int _rounds;

    public void Reset()
    {
        _idleSince = 0;
        _rounds = 0;
    }

    public void Wait()
    {
        int round = ++_rounds;
        if (round <= 16)
        {
            Thread.SpinWait(8 * round);
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (_idleSince == 0)
        {
            _idleSince = now;
        }

        long idle = now - _idleSince;
        if (idle < _spinTicks)
        {
            Thread.SpinWait(64);
        }
        else if (idle < _yieldTicks)
        {
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(1);
        }
    }
}
