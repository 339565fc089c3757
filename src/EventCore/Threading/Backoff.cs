using System.Threading;

namespace Qos.EventCore.Threading;

/// <summary>
/// How an idle port waits: spin a little, then yield the core, then sleep briefly, so that more threads than
/// cores still make progress. Reset as soon as work arrives.
/// </summary>
internal struct Backoff
{
    private const int SpinRounds = 32;
    private const int YieldRounds = 256;
    private const int SleepZeroRounds = 1024;

    private int _idleRounds;

    public void Reset() => _idleRounds = 0;

    public void Wait()
    {
        int round = ++_idleRounds;
        if (round <= SpinRounds)
        {
            Thread.SpinWait(16 * round);
        }
        else if (round <= YieldRounds)
        {
            Thread.Yield();
        }
        else if (round <= SleepZeroRounds)
        {
            Thread.Sleep(0);
        }
        else
        {
            Thread.Sleep(1);
        }
    }
}
