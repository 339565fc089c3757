using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using Qos.EventCore.Migration;
using Qos.EventCore.Scheduling;

namespace Qos.EventCore;

/// <summary>
/// Flow migration. A port whose policy picks flows to move away (the source) runs this protocol from its own
/// enqueue/dequeue/maintain calls, with messages on the other ports' control rings:
/// <list type="number">
/// <item><b>Pause</b>: the source flushes its output, pauses the flows itself and asks every other port to pause
/// them. A port handling the request flushes its output buffers (so events already scheduled to the old owner are
/// in its ring), from then on keeps events of those flows in its paused buffer, and confirms.</item>
/// <item><b>Forward</b>: with every confirmation in, and once the application has forwarded or released every event
/// the source dequeued (so no event of the flows is being processed), the source flushes its output, writes the
/// new owners into the queues' tables, moves the flows' events still in its input ring to the new owners' rings
/// (the rest go to its input buffer, ahead of later arrivals), and sends its own paused events of the flows on.</item>
/// <item><b>Unpause</b>: the source asks every port to unpause; each sends its paused events of the flows to the
/// new owner and confirms. The last confirmation ends the migration.</item>
/// </list>
/// Every event of a flow the new owner receives was thus sent after every event the old owner received, and the
/// old owner had finished with all of them: order and exclusivity hold. One more rule keeps order across stages:
/// if the source holds, in its paused buffer, an event with the same flow hash paused by another port's
/// migration (a later stage of the same flow), moving now would let the new owner's output overtake it, so that
/// flow's move is cancelled (its owner stays; the pause still ends). Flows of parallel queues just change owner.
/// </summary>
public sealed partial class EventPort
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ProcessControl()
    {
        while (_controlRing.TryDequeue(out ControlMessage message))
        {
            switch (message.Type)
            {
                case ControlMessageType.Pause:
                    HandlePause(message.OriginPort);
                    break;
                case ControlMessageType.Unpause:
                    HandleUnpause(message.OriginPort);
                    break;
                default:
                    HandleConfirm();
                    break;
            }
        }
    }

    private void HandlePause(int origin)
    {
        Emigration request = _ports[origin]._emigration;
        FlushAllOutput();
        for (int i = 0; i < request.Count; i++)
        {
            _pausedFlows.Add(request.KeyAt(i), origin);
        }

        SendControl(origin, ControlMessageType.Confirm);
    }

    private void HandleUnpause(int origin)
    {
        Emigration request = _ports[origin]._emigration;
        for (int i = 0; i < request.Count; i++)
        {
            if (request.TargetAt(i) == Id)
            {
                Interlocked.Increment(ref _counters.Immigrations);
            }
        }

        _pausedFlows.RemoveOrigin(origin);
        ReschedulePaused();
        SendControl(origin, ControlMessageType.Confirm);
    }

    private void HandleConfirm()
    {
        Debug.Assert(_emigration.State is MigrationState.Pausing or MigrationState.Unpausing, "confirmations come only while pausing or unpausing");
        if (++_emigration.Confirmations < _ports.Length - 1)
        {
            return;
        }

        if (_emigration.State == MigrationState.Pausing)
        {
            // Why: every port has flushed the flows' events and confirmed, so all of them sit below the tail now;
            // a producer preempted between reserving and publishing may still hold a slot below it, and the
            // forward must wait for that slot (events published behind it would otherwise stay here).
            _forwardEnd = _inRing.ReservedEnd;
            _forwardScanned = 0;
            _emigration.State = MigrationState.Forwarding;
        }
        else
        {
            EndEmigration();
        }
    }

    private void SendControl(int destination, ControlMessageType type)
    {
        var message = new ControlMessage(type, (byte)Id);
        var spin = default(SpinWait);
        // Why: a control ring has room for a request and a confirmation from every port; this never waits long.
        while (!_ports[destination]._controlRing.TryEnqueue(in message))
        {
            spin.SpinOnce();
        }
    }

    private void Broadcast(ControlMessageType type)
    {
        for (int p = 0; p < _ports.Length; p++)
        {
            if (p != Id)
            {
                SendControl(p, type);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ConsiderMigration(long now)
    {
        _nextMigration = now + (_migrationInterval / 2) + (long)(NextRandom() % (ulong)_migrationInterval);
        if (!_migrationEnabled || _emigration.State != MigrationState.Idle || _inBufferLength != 0 || _recent.Length == 0)
        {
            return;
        }

        for (int p = 0; p < _ports.Length; p++)
        {
            _loadScratch[p] = _ports[p]._load.Published;
        }

        // Why: the planner is the bookkeeping the balance simulator runs too (validation, hold-down, move cap, promises).
        if (_planner.Plan(now, _recent, _queues, _loadScratch, _servingScratch, _emigration) == 0)
        {
            return;
        }

        int parallelMoves = 0;
        int i = 0;
        while (i < _emigration.Count)
        {
            int key = _emigration.KeyAt(i);
            QueueState queue = _queues[key >> 16];
            if (queue.Type == ScheduleType.Parallel)
            {
                int target = _emigration.TargetAt(i);
                Volatile.Write(ref queue.Table[key & 0xFFFF], (byte)target);
                Interlocked.Increment(ref _ports[target]._counters.Immigrations);
                parallelMoves++;
                _emigration.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        if (parallelMoves != 0)
        {
            _counters.Emigrations += parallelMoves;
            _recent.Reset();
        }

        if (_emigration.Count != 0)
        {
            StartEmigration(now);
        }
    }

    private void StartEmigration(long now)
    {
        _emigration.State = MigrationState.Pausing;
        _emigration.StartTimestamp = now;
        _emigration.Confirmations = 0;
        // Why: events of the flows already scheduled (possibly to this port itself) go out before the pause.
        FlushAllOutput();
        for (int i = 0; i < _emigration.Count; i++)
        {
            _pausedFlows.Add(_emigration.KeyAt(i), Id);
        }

        Broadcast(ControlMessageType.Pause);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MoveEmigratingFlows()
    {
        Debug.Assert(_emigration.State == MigrationState.Forwarding, "flows move only once every port has paused them");
        if (_pendingReleases != 0)
        {
            return;
        }

        if (_forwardScanned < _forwardEnd)
        {
            _forwardScanned = _inRing.FirstUnpublished(_forwardScanned, _forwardEnd);
            if (_forwardScanned < _forwardEnd)
            {
                _counters.ForwardWaits++;
                return;
            }
        }

        for (int i = 0; i < _emigration.Count; i++)
        {
            if (HoldsLaterStageEvents(_emigration.KeyAt(i) & 0xFFFF))
            {
                _planner.Withdraw(_emigration, i);
                _emigration.Cancel(i, Id);
            }
        }

        FlushAllOutput();
        for (int i = 0; i < _emigration.Count; i++)
        {
            int key = _emigration.KeyAt(i);
            Volatile.Write(ref _queues[key >> 16].Table[key & 0xFFFF], (byte)_emigration.TargetAt(i));
        }

        ForwardHeldEvents();
        _pausedFlows.RemoveOrigin(Id);
        ReschedulePaused();
        FlushAllOutput();
        _emigration.State = MigrationState.Unpausing;
        _emigration.Confirmations = 0;
        Broadcast(ControlMessageType.Unpause);
    }

    /// <summary>Whether the paused buffer holds an event of this flow hash paused by another port's migration.</summary>
    private bool HoldsLaterStageEvents(int flowHash)
    {
        for (int i = 0; i < _pausedLength; i++)
        {
            ref Event e = ref _paused[i];
            if (FlowHash.Of(e.FlowId) == flowHash && _emigration.TargetOf(FlowHash.Key(e.QueueId, flowHash)) < 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Moves the emigrating flows' events from the input ring, up to the tail seen when the last port confirmed the
    /// pause (all published by now), to their new owners; keeps the rest, in order, in the input buffer. Later
    /// positions hold no event of these flows: every port pauses them from its confirmation on.
    /// </summary>
    private void ForwardHeldEvents()
    {
        Debug.Assert(_inBufferLength == 0, "a migration starts only with an empty input buffer");
        long remaining = _forwardEnd - _inRing.ReadPosition;
        while (remaining > 0)
        {
            int n = _inRing.Dequeue(_forwardScratch.AsSpan(0, (int)Math.Min(remaining, ForwardChunk)));
            Debug.Assert(n > 0, "every position below the forward end is published before the forward starts");
            remaining -= n;
            for (int i = 0; i < n; i++)
            {
                ref Event e = ref _forwardScratch[i];
                int target = _emigration.TargetOf(FlowHash.Key(e.QueueId, FlowHash.Of(e.FlowId)));
                if (target >= 0 && target != Id)
                {
                    var spin = default(SpinWait);
                    while (!_ports[target]._inRing.TryEnqueue(in e))
                    {
                        spin.SpinOnce();
                    }
                }
                else
                {
                    Debug.Assert(_inBufferLength < _inBuffer.Length, "held events fit: there are never more events than credits");
                    _inBuffer[_inBufferLength++] = e;
                }
            }
        }
    }

    /// <summary>Sends paused events whose flow is no longer paused to its (new) owner, keeping the others in order.</summary>
    private void ReschedulePaused()
    {
        int kept = 0;
        for (int i = 0; i < _pausedLength; i++)
        {
            Event e = _paused[i];
            int hash = FlowHash.Of(e.FlowId);
            if (_pausedFlows.Contains(FlowHash.Key(e.QueueId, hash)))
            {
                _paused[kept++] = e;
            }
            else
            {
                BufferOutput(_queues[e.QueueId].Table[hash], in e, e.ScheduleType);
            }
        }

        _pausedLength = kept;
    }

    private void EndEmigration()
    {
        long latency = Stopwatch.GetTimestamp() - _emigration.StartTimestamp;
        int moved = 0;
        for (int i = 0; i < _emigration.Count; i++)
        {
            if (_emigration.TargetAt(i) != Id)
            {
                moved++;
            }
        }

        // Why: the moved load was promised to the targets (and taken off this port) when the move was planned.
        if (moved != 0)
        {
            _counters.RecordMigration(latency, moved);
        }

        _emigration.State = MigrationState.Idle;
        _recent.Reset();
    }

    private ulong NextRandom()
    {
        ulong x = _random;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        _random = x;
        return x;
    }
}
