using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using Qos.EventCore.Migration;
using Qos.EventCore.Scheduling;

namespace Qos.EventCore;

/// <summary>Enqueue: credits, scheduling at the sender, output buffering.</summary>
public sealed partial class EventPort
{
    /// <summary>
    /// Enqueues a burst: all of it, or none when credits are short (back-pressure; new events are refused before
    /// forwarded ones). Returns the number accepted. Forward and release operations apply to events this port
    /// dequeued. Accepted events may wait in this port's output buffer until a size, operation-count, empty
    /// dequeue or <see cref="Maintain"/> flush. An empty burst is the same as <see cref="Maintain"/>.
    /// </summary>
    public int Enqueue(ReadOnlySpan<Event> events)
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

        if (_controlRing.HasItem)
        {
            ProcessControl();
        }

        int accepted = events.Length == 0 ? MaintainCore() : EnqueueCore(events);
        _owner.Exit();
        return accepted;
    }

    /// <summary>Enqueues one event; returns whether it was accepted.</summary>
    public bool Enqueue(in Event e) => Enqueue(new ReadOnlySpan<Event>(in e)) == 1;

    /// <summary>
    /// Does the port's background work without sending anything: flushes output buffers, answers control
    /// messages, advances a migration, and returns the credits the port holds beyond what its pending forwards
    /// need. Threads that only produce, or go quiet, call it regularly.
    /// </summary>
    public void Maintain() => Enqueue(ReadOnlySpan<Event>.Empty);

    private int MaintainCore()
    {
        // Why: a quiet producer that calls Maintain keeps only credits for events it dequeued and has yet to forward;
        // a leftover chunk in each of many quiet producers would otherwise hold back the rest, as idle workers did.
        if (_credits > _pendingReleases)
        {
            ReturnSurplusCredits(_pendingReleases);
        }

        NoteOperations(_opsPerBackground);
        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int EnqueueCore(ReadOnlySpan<Event> events)
    {
        int newCount = 0, releaseCount = 0;
        uint queueCount = (uint)_queues.Length;
        for (int i = 0; i < events.Length; i++)
        {
            EventOperation op = events[i].Operation;
            if (op == EventOperation.Release)
            {
                releaseCount++;
            }
            else
            {
                if (op == EventOperation.New)
                {
                    newCount++;
                }
                else if (op != EventOperation.Forward)
                {
                    ThrowBadOperation(i, op, nameof(events));
                }

                if (events[i].QueueId >= queueCount)
                {
                    ThrowBadQueue(i, events[i].QueueId, nameof(events));
                }
            }
        }

        int needed = events.Length - releaseCount;
        if (needed > _credits && !TryAcquireCredits(needed, newCount != 0))
        {
            OnRefused();
            return 0;
        }

        _credits -= needed;
        int handedBack = events.Length - newCount;
        _pendingReleases = handedBack >= _pendingReleases ? 0 : _pendingReleases - handedBack;
        if (needed != 0)
        {
            long[] perQueue = _counters.EnqueuedPerQueue;
            for (int i = 0; i < events.Length; i++)
            {
                ref readonly Event e = ref events[i];
                if (e.Operation != EventOperation.Release)
                {
                    perQueue[e.QueueId]++;
                    Schedule(in e);
                }
            }
        }

        _counters.NewEvents += newCount;
        _counters.Forwarded += needed - newCount;
        _counters.Released += releaseCount;
        NoteOperations(events.Length);
        return events.Length;
    }

    /// <summary>Counts operations; runs the migration step and the background task when due.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NoteOperations(int events)
    {
        _ops += events + 1;
        if (_emigration.State == MigrationState.Forwarding && _pendingReleases == 0)
        {
            MoveEmigratingFlows();
        }

        if (_ops >= _opsPerBackground)
        {
            BackgroundTask();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void BackgroundTask()
    {
        _ops = 0;
        long now = Stopwatch.GetTimestamp();
        Volatile.Write(ref _counters.LastActivity, now);
        FlushAllOutput();
        if (_load.UpdateDue(now))
        {
            _load.Update(now, Backlog);
        }

        if (now - _nextMigration >= 0)
        {
            ConsiderMigration(now);
        }
    }

    /// <summary>The sender's scheduling: flow hash → the queue's table → owner, unless the flow is paused.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Schedule(in Event e)
    {
        QueueState queue = _queues[e.QueueId];
        int hash = FlowHash.Of(e.FlowId);
        if (_pausedFlows.Count != 0 && _pausedFlows.Contains(FlowHash.Key(e.QueueId, hash)))
        {
            BufferPaused(in e, queue.Type);
            return;
        }

        BufferOutput(queue.Table[hash], in e, queue.Type);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void BufferOutput(int destination, in Event e, ScheduleType type)
    {
        int length = _outLengths[destination];
        ref Event slot = ref _out[(destination * _outSize) + length];
        slot = e;
        slot.ScheduleType = type;
        if (++length == _outSize)
        {
            SendOutput(destination, length);
            length = 0;
        }

        _outLengths[destination] = length;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void BufferPaused(in Event e, ScheduleType type)
    {
        Debug.Assert(_pausedLength < _paused.Length, "paused events fit: there are never more events than credits");
        ref Event slot = ref _paused[_pausedLength++];
        slot = e;
        slot.ScheduleType = type;
    }

    private void SendOutput(int destination, int length)
    {
        var burst = new ReadOnlySpan<Event>(_out, destination * _outSize, length);
        if (!_ports[destination]._inRing.TryEnqueue(burst))
        {
            SendOutputSlow(destination, burst);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SendOutputSlow(int destination, ReadOnlySpan<Event> burst)
    {
        // Why: rings hold as many events as there are credits, so this only waits for the consumer's head to
        // catch up with slots it has already copied; it never waits for credits.
        var spin = default(SpinWait);
        while (!_ports[destination]._inRing.TryEnqueue(burst))
        {
            spin.SpinOnce();
        }
    }

    private void FlushAllOutput()
    {
        int[] lengths = _outLengths;
        for (int p = 0; p < lengths.Length; p++)
        {
            if (lengths[p] != 0)
            {
                SendOutput(p, lengths[p]);
                lengths[p] = 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnRefused()
    {
        _counters.Refused++;
        // Why: events waiting in this port's output buffers hold credits; under back-pressure they must move on
        // now, not at the next background task, or a few quiet producers could sit on the whole budget.
        FlushAllOutput();
        if (_credits > _pendingReleases)
        {
            // Why: credits short of a burst are no use to a refused port and may be what another port needs.
            ReturnSurplusCredits(_pendingReleases);
        }

        NoteOperations(0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryAcquireCredits(int needed, bool hasNew)
    {
        int missing = needed - _credits;
        int limit = hasNew ? _pool.NewEventThreshold : _pool.MaxInflight;
        int take = Math.Max(missing, _creditChunk);
        if (!_pool.TryBorrow(take, limit))
        {
            if (take == missing || !_pool.TryBorrow(missing, limit))
            {
                return false;
            }

            take = missing;
        }

        _credits += take;
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EndProcessingProbe()
    {
        _counters.ProcessingTicks += Stopwatch.GetTimestamp() - _probeStart;
        _counters.ProcessingSamples++;
        _probeStart = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowBadOperation(int index, EventOperation op, string paramName)
    {
        _owner.Exit();
        throw new ArgumentException($"events[{index}].Operation {(int)op} is not New, Forward or Release", paramName);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowBadQueue(int index, byte queueId, string paramName)
    {
        _owner.Exit();
        throw new ArgumentException($"events[{index}].QueueId {queueId} must be below the queue count {_queues.Length}", paramName);
    }
}
