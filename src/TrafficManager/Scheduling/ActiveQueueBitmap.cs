using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Qos.TrafficManager.Scheduling;

/// <summary>
/// Which queues hold packets, and which pipes are waiting for a grinder.
/// </summary>
/// <remarks>
/// Three levels: a 16-bit mask of non-empty queues per pipe; a bit per pipe that is non-empty and not being
/// served by a grinder (the scan level); and a summary bit per 64-pipe word so the scan skips empty stretches a
/// word at a time. Grinders take pipes in round-robin order from a cursor, so every waiting pipe is reached
/// within one sweep. A pipe in service is absent from the scan level; a grinder puts it back on release if it
/// still has packets. All of it is small enough to stay in cache (about 2.1 bytes per pipe).
/// </remarks>
internal sealed class ActiveQueueBitmap
{
    private readonly ushort[] _queues;
    private readonly ulong[] _waiting;
    private readonly ulong[] _summary;
    private readonly ulong[] _inService;
    private readonly int _pipes;
    private int _cursor;

    public ActiveQueueBitmap(int pipes)
    {
        Debug.Assert(pipes > 0);
        _pipes = pipes;
        _queues = new ushort[pipes];
        int words = (pipes + 63) >> 6;
        _waiting = new ulong[words];
        _inService = new ulong[words];
        _summary = new ulong[(words + 63) >> 6];
    }

    /// <summary>Pipes with at least one packet.</summary>
    public int ActivePipes { get; private set; }

    /// <summary>Pipes waiting for a grinder.</summary>
    public int WaitingPipes { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Queues(int pipe) => _queues[pipe];

    /// <summary>Marks <paramref name="queue"/> of <paramref name="pipe"/> non-empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MarkNonEmpty(int pipe, int queue)
    {
        ref ushort queues = ref _queues[pipe];
        int before = queues;
        queues = (ushort)(before | (1 << queue));
        if (before == 0)
        {
            PipeBecameActive(pipe);
        }
    }

    /// <summary>Marks <paramref name="queue"/> of <paramref name="pipe"/> (a pipe in service) empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int MarkEmpty(int pipe, int queue)
    {
        ref ushort queues = ref _queues[pipe];
        int after = queues & ~(1 << queue);
        queues = (ushort)after;
        if (after == 0)
        {
            ActivePipes--;
        }

        return after;
    }

    /// <summary>Takes the next waiting pipe in round-robin order for a grinder, or returns -1.</summary>
    public int TakeNext()
    {
        if (WaitingPipes == 0)
        {
            return -1;
        }

        int word = _cursor >> 6;
        ulong bits = _waiting[word] & (ulong.MaxValue << (_cursor & 63));
        if (bits == 0)
        {
            word = NextWaitingWord(word + 1);
            bits = _waiting[word];
        }

        int pipe = (word << 6) + BitOperations.TrailingZeroCount(bits);
        Debug.Assert(pipe < _pipes && _queues[pipe] != 0, "a waiting pipe has packets");
        ClearWaiting(pipe);
        _inService[word] |= 1UL << pipe;
        _cursor = pipe + 1 == _pipes ? 0 : pipe + 1;
        return pipe;
    }

    /// <summary>A grinder is done with <paramref name="pipe"/>; it waits again if it still has packets.</summary>
    public void Release(int pipe)
    {
        _inService[pipe >> 6] &= ~(1UL << pipe);
        if (_queues[pipe] != 0)
        {
            SetWaiting(pipe);
        }
    }

    public bool InService(int pipe) => (_inService[pipe >> 6] & (1UL << pipe)) != 0;

    /// <summary>Every queue of <paramref name="pipe"/> (a pipe not in service) was emptied at once, as a flush does.</summary>
    public void MarkPipeEmpty(int pipe)
    {
        Debug.Assert(!InService(pipe), "a pipe is flushed only out of service");
        if (_queues[pipe] == 0)
        {
            return;
        }

        _queues[pipe] = 0;
        ActivePipes--;
        if ((_waiting[pipe >> 6] & (1UL << pipe)) != 0)
        {
            ClearWaiting(pipe);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PipeBecameActive(int pipe)
    {
        ActivePipes++;
        if ((_inService[pipe >> 6] & (1UL << pipe)) == 0)
        {
            SetWaiting(pipe);
        }
    }

    private void SetWaiting(int pipe)
    {
        int word = pipe >> 6;
        Debug.Assert((_waiting[word] & (1UL << pipe)) == 0, "a pipe waits once");
        _waiting[word] |= 1UL << pipe;
        _summary[word >> 6] |= 1UL << word;
        WaitingPipes++;
    }

    private void ClearWaiting(int pipe)
    {
        int word = pipe >> 6;
        _waiting[word] &= ~(1UL << pipe);
        if (_waiting[word] == 0)
        {
            _summary[word >> 6] &= ~(1UL << word);
        }

        WaitingPipes--;
    }

    /// <summary>First word at or after <paramref name="start"/> (wrapping) with a waiting pipe; one must exist.</summary>
    private int NextWaitingWord(int start)
    {
        if (start >= _waiting.Length)
        {
            start = 0;
        }

        int s = start >> 6;
        ulong bits = _summary[s] & (ulong.MaxValue << (start & 63));
        while (bits == 0)
        {
            s = s + 1 == _summary.Length ? 0 : s + 1;
            bits = _summary[s];
        }

        return (s << 6) + BitOperations.TrailingZeroCount(bits);
    }

    /// <summary>Checks every invariant of the three levels (O(pipes)); see <see cref="FindBrokenInvariant"/>.</summary>
    [Conditional("DEBUG")]
    public void AssertInvariants()
    {
        string? broken = FindBrokenInvariant();
        Debug.Assert(broken is null, broken);
    }

    /// <summary>Says which invariant of the bitmap does not hold, or returns null. O(pipes): for checks now and then, not per packet.</summary>
    public string? FindBrokenInvariant()
    {
        int active = 0, waiting = 0;
        for (int p = 0; p < _pipes; p++)
        {
            bool isWaiting = (_waiting[p >> 6] & (1UL << p)) != 0;
            active += _queues[p] != 0 ? 1 : 0;
            waiting += isWaiting ? 1 : 0;
            if (isWaiting && (_queues[p] == 0 || InService(p)))
            {
                return $"only non-empty pipes out of service wait: pipe {p} waits with queues {_queues[p]:x4}{(InService(p) ? " while in service" : "")}";
            }

            if (!isWaiting && _queues[p] != 0 && !InService(p))
            {
                return $"every non-empty pipe waits or is in service: pipe {p} has queues {_queues[p]:x4} and does neither";
            }
        }

        if (active != ActivePipes || waiting != WaitingPipes)
        {
            return $"counts match the bits: {ActivePipes} active and {WaitingPipes} waiting counted, {active} and {waiting} in the bits";
        }

        int tail = _pipes & 63;
        ulong pastEnd = tail == 0 ? 0 : ulong.MaxValue << tail;
        if (((_waiting[^1] | _inService[^1]) & pastEnd) != 0)
        {
            return $"no bits past the last pipe ({_pipes - 1})";
        }

        for (int w = 0; w < _waiting.Length; w++)
        {
            if (((_summary[w >> 6] >> w) & 1) != (_waiting[w] != 0 ? 1UL : 0UL))
            {
                return $"the summary mirrors the words: word {w} (pipes {w << 6}..) has waiting bits {_waiting[w]:x16} and summary bit {(_summary[w >> 6] >> w) & 1}";
            }
        }

        int summaryTail = _waiting.Length & 63;
        if (summaryTail != 0 && (_summary[^1] & (ulong.MaxValue << summaryTail)) != 0)
        {
            return $"the summary mirrors the words: a summary bit is set past the last word ({_waiting.Length - 1})";
        }

        return null;
    }
}
