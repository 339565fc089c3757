using System;
using System.Diagnostics;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Scheduling;

namespace Qos.TrafficManager;

public sealed unsafe partial class PortScheduler
{
    /// <summary>
    /// Empties every queue without sending: each queued packet is handed to <paramref name="each"/> (so that the
    /// application can free what its handle refers to) and then forgotten, counted neither as sent nor as dropped
    /// (the queue statistics forget them too). For shutting down with packets still queued; the scheduler stays
    /// usable. Owner thread. Returns how many packets were flushed.
    /// </summary>
    public long Flush(Action<Packet>? each = null)
    {
        ThrowIfDisposed();
        AssertOwner();
        for (int g = 0; g < GrinderCount; g++)
        {
            ref Grinder grinder = ref _grinders[g];
            if (grinder.Pipe >= 0)
            {
                _bitmap.Release(grinder.Pipe);
                grinder = default;
                grinder.Pipe = -1;
            }
        }

        _busyGrinders = 0;
        long flushed = 0;
        for (int pipe = 0; pipe < PipeCount && flushed < _queued; pipe++)
        {
            int active = _bitmap.Queues(pipe);
            if (active == 0)
            {
                continue;
            }

            var sub = _subports[_pipes[pipe].Subport];
            ref QueuePositions positions = ref _positions[pipe];
            for (; active != 0; active &= active - 1)
            {
                int q = System.Numerics.BitOperations.TrailingZeroCount(active);
                int length = positions.Length(q);
                ref QueueCounters counters = ref _counters[(pipe * TrafficClass.QueuesPerPipe) + q];
                for (int i = 0; i < length; i++)
                {
                    int head = positions.Head[q];
                    Packet packet = _slots[SlotIndex(sub, pipe, q, head)];
                    positions.Head[q] = (ushort)(head + 1);
                    counters.AcceptedPackets--;
                    counters.AcceptedBytes -= packet.Length;
                    if (sub.HasCongestionControl && sub.Congestion[q] != CongestionControl.None)
                    {
                        OnCongestionDequeue(sub.Congestion[q], (pipe << 4) | q, packet.Length, i + 1 == length);
                    }

                    each?.Invoke(packet);
                }

                flushed += length;
            }

            _bitmap.MarkPipeEmpty(pipe);
        }

        Debug.Assert(flushed == _queued, "a flush empties every queue");
        _queued = 0;
        GC.KeepAlive(this);
        return flushed;
    }

    /// <summary>
    /// Hands the scheduler to the calling thread: it owns it from now on (Debug builds assert the owner). For a
    /// pipeline whose egress threads change from run to run; the previous owner must have stopped using it.
    /// </summary>
    internal void TakeOwnership()
    {
        ThrowIfDisposed();
        _owner = Environment.CurrentManagedThreadId;
    }

    /// <summary>The owner is done with the scheduler: the next thread to call it becomes its owner.</summary>
    internal void ReleaseOwnership()
    {
        Debug.Assert(_owner == 0 || _owner == Environment.CurrentManagedThreadId, "only the owner lets go");
        _owner = 0;
    }
}
