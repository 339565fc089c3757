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
    /// the port flushes its output and backs off (spin, then yield, and after about 2 ms idle a 1 ms sleep), so
    /// worker threads may simply loop. A thread that must not sleep (an egress loop whose scheduler holds packets)
    /// calls <see cref="Poll"/> instead and owns its back-off.
    /// </summary>
    public int Dequeue(Span<Event> events)
    {
        int n = Poll(events);
        if (n == 0)
        {
            _counters.IdleWaits++;
            _backoff.Wait();
        }

        return n;
    }

    /// <summary>
    /// As <see cref="Dequeue"/>, but never waits: an empty poll flushes the port's output, does its background work
    /// (control messages, load, migration) and returns 0 at once.
    /// </summary>
    public int Poll(Span<Event> events)
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
        // Why: an idle port keeps no credits. The events it released left their credits here; kept by idle ports
        // (one chunk each, say), they count against the new-event threshold and, with enough ports, starve the
        // producers for good while nothing is in flight. Getting a chunk back when work returns is one CAS.
        if (_credits != 0)
        {
            ReturnSurplusCredits(0);
        }

        NoteOperations(0);
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
