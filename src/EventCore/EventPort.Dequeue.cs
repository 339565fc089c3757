using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Qos.EventCore.Migration;
using Qos.EventCore.Scheduling;

namespace Qos.EventCore;

/// <summary>Dequeue: input ring (or the input buffer a migration left), credits, load, recent flows.</summary>
public sealed partial class EventPort
{
    /// <summary>
    /// Dequeues up to <c>events.Length</c> events, oldest first, and returns how many. Calling it releases,
    /// implicitly, the events of the previous dequeue that were not forwarded or released. On an empty dequeue
    /// the port flushes its output and backs off (spin, then yield, then a short sleep), so callers may simply
    /// loop.
    /// </summary>
    public int Dequeue(Span<Event> events)
    {
        _owner.Enter();
        if (!_running)
        {
            ThrowNotRunning();
        }

        if (_probeStart != 0)
        {
            EndProcessingProbe();
        }

        _pendingReleases = 0;
        if (_controlRing.HasItem)
        {
            ProcessControl();
        }

        if (_emigration.State == MigrationState.Forwarding)
        {
            MoveEmigratingFlows();
        }

        int n = _inBufferLength != 0 ? TakeFromInputBuffer(events) : _inRing.Dequeue(events);
        if (n != 0)
        {
            OnDequeued(events[..n]);
        }
        else
        {
            OnEmptyDequeue();
        }

        _owner.Exit();
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void OnDequeued(ReadOnlySpan<Event> events)
    {
        int n = events.Length;
        _credits += n;
        _pendingReleases = n;
        if (_credits > (2 * _creditChunk) + n)
        {
            ReturnSurplusCredits(_creditChunk + n);
        }

        long[] perQueue = _counters.DequeuedPerQueue;
        for (int i = 0; i < events.Length; i++)
        {
            int q = events[i].QueueId;
            perQueue[q]++;
            _recent.Record(FlowHash.Key(q, FlowHash.Of(events[i].FlowId)));
        }

        _counters.Dequeued += n;
        _load.AddServed(n);
        if (!_load.IsBusy)
        {
            _load.BecomeBusy(Stopwatch.GetTimestamp());
            _backoff.Reset();
        }

        if ((++_dequeueBursts & 15) == 0)
        {
            _probeStart = Stopwatch.GetTimestamp();
        }

        NoteOperations(n);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnEmptyDequeue()
    {
        if (_load.IsBusy)
        {
            _load.BecomeIdle(Stopwatch.GetTimestamp());
        }

        FlushAllOutput();
        // Why: an idle port keeps one chunk at most; credits hoarded by idle ports would count against the
        // new-event threshold and could starve the producers for good.
        if (_credits > _creditChunk + _pendingReleases)
        {
            ReturnSurplusCredits(_creditChunk + _pendingReleases);
        }

        NoteOperations(0);
        _backoff.Wait();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReturnSurplusCredits(int keep)
    {
        int surplus = _credits - keep;
        Debug.Assert(surplus > 0, "only surplus is returned");
        _credits = keep;
        _pool.Return(surplus);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int TakeFromInputBuffer(Span<Event> events)
    {
        int n = Math.Min(events.Length, _inBufferLength);
        _inBuffer.AsSpan(_inBufferStart, n).CopyTo(events);
        _inBufferStart += n;
        _inBufferLength -= n;
        if (_inBufferLength == 0)
        {
            _inBufferStart = 0;
        }

        return n;
    }
}
