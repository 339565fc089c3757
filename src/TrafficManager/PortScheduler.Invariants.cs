using System;
using System.Diagnostics;
using System.Numerics;
using Qos.Shaping.TrafficClasses;

namespace Qos.TrafficManager;

public sealed unsafe partial class PortScheduler
{
    /// <summary>
    /// Checks the bitmap and the queue counts every <see cref="InvariantCheckInterval"/> dequeue calls (Debug builds).
    /// Why: the check is O(pipes); spread over that many calls it costs a few operations per call, so the Debug test
    /// suite keeps its speed while long runs still pass through it.
    /// </summary>
    [Conditional("DEBUG")]
    private void AssertInvariantsNowAndThen()
    {
        if (++_dequeuesSinceCheck >= InvariantCheckInterval)
        {
            _dequeuesSinceCheck = 0;
            string? broken = FindBrokenInvariant();
            Debug.Assert(broken is null, broken);
        }
    }

    /// <summary>Dequeue calls between two invariant checks in Debug builds: the pipe count rounded up to a power of two, at least 64.</summary>
    internal int InvariantCheckInterval => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, _pipeCount));

    /// <summary>
    /// Says which invariant of the scheduler does not hold between calls, or returns null: the active-queue bitmap's
    /// own; a queue's active bit is set exactly when it holds packets, and no queue holds more than its size; the
    /// pipes in service are the grinders' pipes; the queued count is the sum of the queue lengths. O(pipes × 16).
    /// </summary>
    internal string? FindBrokenInvariant()
    {
        ThrowIfDisposed();
        string? broken = _bitmap.FindBrokenInvariant();
        if (broken is not null)
        {
            return broken;
        }

        int busy = 0;
        for (int g = 0; g < GrinderCount; g++)
        {
            int pipe = _grinders[g].Pipe;
            if (pipe < 0)
            {
                continue;
            }

            busy++;
            if (!_bitmap.InService(pipe))
            {
                return $"a grinder's pipe is in service: grinder {g} serves pipe {pipe}, which the bitmap does not hold in service";
            }
        }

        if (busy != _busyGrinders)
        {
            return $"the busy count matches the grinders: {_busyGrinders} counted, {busy} grinders hold a pipe";
        }

        long queued = 0;
        int inService = 0;
        foreach (var sub in _subports)
        {
            for (int pipe = sub.FirstPipe; pipe < sub.FirstPipe + sub.PipeCount; pipe++)
            {
                inService += _bitmap.InService(pipe) ? 1 : 0;
                int bits = _bitmap.Queues(pipe);
                for (int q = 0; q < TrafficClass.QueuesPerPipe; q++)
                {
                    int length = _positions[pipe].Length(q);
                    queued += length;
                    if (((bits >> q) & 1) != (length != 0 ? 1 : 0))
                    {
                        return $"a queue's active bit is set exactly when it holds packets: pipe {pipe - sub.FirstPipe} of subport {sub.Index}, queue {q} holds {length} with bit {(bits >> q) & 1}";
                    }

                    if (length > sub.QueueSize[q])
                    {
                        return $"a queue holds at most its size: pipe {pipe - sub.FirstPipe} of subport {sub.Index}, queue {q} holds {length} of {sub.QueueSize[q]}";
                    }
                }
            }
        }

        if (inService != busy)
        {
            return $"the pipes in service are the grinders' pipes: {inService} in service, {busy} grinders busy";
        }

        if (queued != _queued)
        {
            return $"the queued count is the sum of the queues: {_queued} counted, {queued} in the queues";
        }

        GC.KeepAlive(this);
        return null;
    }
}
