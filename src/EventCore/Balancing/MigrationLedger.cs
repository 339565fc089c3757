using System;
using System.Diagnostics;
using System.Threading;
using Qos.EventCore.Scheduling;

namespace Qos.EventCore.Balancing;

/// <summary>
/// Device-wide migration bookkeeping shared by every port (and by the balance simulator): when each flow last
/// moved, so that a flow does not move again within the hold-down time, and how many flows moved in the current
/// migration interval, so that moves per interval stay under a cap. Only a flow's owner moves it, so a flow's stamp
/// has one writer at a time; the interval count is shared and updated with interlocked operations. Under
/// concurrency the cap can be exceeded by a move or two at a window's turn; in the (single-threaded) simulator it is
/// exact. Time is a parameter.
/// </summary>
internal sealed class MigrationLedger
{
    private const long Never = long.MinValue;

    private readonly long[] _lastMove;
    private readonly long _interval;
    private readonly int _maxMoves;
    private long _windowStart;
    private int _windowMoves;
    private long _moves;

    public MigrationLedger(int queueCount, long holdDownTicks, int maxMovesPerInterval, long intervalTicks, long now)
    {
        Debug.Assert(queueCount > 0 && holdDownTicks >= 0 && maxMovesPerInterval > 0 && intervalTicks > 0, "a ledger has queues, a hold-down, a cap and an interval");
        _lastMove = new long[queueCount * FlowHash.Count];
        HoldDownTicks = holdDownTicks;
        _maxMoves = maxMovesPerInterval;
        _interval = intervalTicks;
        Reset(now);
    }

    /// <summary>A flow that moved less than this long ago does not move.</summary>
    public long HoldDownTicks { get; }

    /// <summary>Flows moved since the last reset.</summary>
    public long Moves => Interlocked.Read(ref _moves);

    /// <summary>Time since the flow last moved; <see cref="long.MaxValue"/> if it never did.</summary>
    public long SinceMove(int queueId, int flowHash, long now)
    {
        long last = Volatile.Read(ref _lastMove[(queueId * FlowHash.Count) + flowHash]);
        return last == Never ? long.MaxValue : Math.Max(0, now - last);
    }

    /// <summary>How many more flows may move in the current interval.</summary>
    public int Budget(long now)
    {
        Roll(now);
        return Math.Max(0, _maxMoves - Volatile.Read(ref _windowMoves));
    }

    /// <summary>Records a move of the flow now, unless it is held down or the interval's cap is reached.</summary>
    public bool TryRecordMove(int queueId, int flowHash, long now)
    {
        if (SinceMove(queueId, flowHash, now) < HoldDownTicks)
        {
            return false;
        }

        Roll(now);
        if (Interlocked.Increment(ref _windowMoves) > _maxMoves)
        {
            Interlocked.Decrement(ref _windowMoves);
            return false;
        }

        Volatile.Write(ref _lastMove[(queueId * FlowHash.Count) + flowHash], now);
        Interlocked.Increment(ref _moves);
        return true;
    }

    public void Reset(long now)
    {
        Array.Fill(_lastMove, Never);
        _windowStart = now;
        _windowMoves = 0;
        _moves = 0;
    }

    private void Roll(long now)
    {
        long start = Volatile.Read(ref _windowStart);
        // Why: compare by subtraction so that any tick origin works; one caller wins the turn of the window.
        if (now - start >= _interval && Interlocked.CompareExchange(ref _windowStart, now, start) == start)
        {
            Volatile.Write(ref _windowMoves, 0);
        }
    }
}
