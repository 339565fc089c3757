using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using Qos.Shaping.TrafficClasses;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Scheduling;

namespace Qos.TrafficManager;

public sealed unsafe partial class PortScheduler
{
    /// <summary>
    /// Hands out up to <c>output.Length</c> packets in the order the line should send them, as far as the
    /// port time may run ahead of the clock (<see cref="Configuration.PortConfig.TxLead"/>).
    /// </summary>
    /// <remarks>
    /// The grinder state machine: <see cref="GrinderCount"/> grinders take turns, one step each. A free
    /// grinder takes the next waiting pipe from the active-queue bitmap (round robin) and prefetches its state;
    /// on its next turn it brings the subport's and the pipe's credits up to the port time and prefetches the
    /// heads of the pipe's non-empty queues; after that each turn sends one packet: the lowest class with a
    /// packet, the best-effort queue chosen by WRR, if the packet fits the subport bucket, the subport class
    /// credits, the pipe bucket, the pipe class credits and, for best effort under oversubscription, the
    /// pipe's watermark allowance. A class at one of its caps is skipped for the rest of the visit; a packet the
    /// subport or pipe bucket cannot cover ends the visit (lower classes may not overtake it with smaller
    /// packets); when no class can send, the grinder releases the pipe. The call ends when the output is full, the port time
    /// reaches its lead, or every active pipe was tried since the last packet left.
    /// </remarks>
    /// <returns>The number of packets written to <paramref name="output"/>.</returns>
    /// <exception cref="ObjectDisposedException">The scheduler was disposed.</exception>
    public int Dequeue(Span<Packet> output)
    {
        ThrowIfDisposed();
        AssertOwner();
        long now = SyncPortTime();
        long limit = now + _txLead;
        int count = 0;
        int loadsWithoutSending = 0;
        int g = _nextGrinder;
        while (count < output.Length && _portTime < limit)
        {
            ref Grinder grinder = ref _grinders[g];
            g = (g + 1) & (GrinderCount - 1);
            switch (grinder.State)
            {
                case GrinderState.Free:
                    if (loadsWithoutSending > _bitmap.ActivePipes + GrinderCount)
                    {
                        goto Done;
                    }

                    int pipe = _bitmap.TakeNext();
                    if (pipe < 0)
                    {
                        if (_busyGrinders == 0)
                        {
                            goto Done;
                        }

                        continue;
                    }

                    grinder.Pipe = pipe;
                    grinder.State = GrinderState.Loading;
                    _busyGrinders++;
                    loadsWithoutSending++;
                    Prefetch.Lines(_pipes + pipe, sizeof(PipeState) / 64);
                    Prefetch.Line(_positions + pipe);
                    break;

                case GrinderState.Loading:
                    LoadPipe(ref grinder);
                    break;

                default:
                    if (SendOne(ref grinder, ref output[count]))
                    {
                        count++;
                        loadsWithoutSending = 0;
                    }
                    else
                    {
                        _bitmap.Release(grinder.Pipe);
                        grinder.Pipe = -1;
                        grinder.Subport = null;
                        grinder.Profile = null;
                        grinder.ShapingState = null;
                        grinder.Positions = null;
                        grinder.Slots = null;
                        grinder.State = GrinderState.Free;
                        _busyGrinders--;
                    }

                    break;
            }
        }

    Done:
        _nextGrinder = g;
        _queued -= count;
        AssertInvariantsNowAndThen();
        GC.KeepAlive(this);
        return count;
    }

    private void LoadPipe(ref Grinder grinder)
    {
        int globalPipe = grinder.Pipe;
        ref PipeState pipe = ref _pipes[globalPipe];
        var sub = _subports[pipe.Subport];
        var profile = _pipeProfiles[pipe.Profile];
        long now = _portTime;
        sub.Refresh(now);
        pipe.Bucket.Refill(profile.Bucket, now);
        pipe.Classes.Refill(profile.Classes, now);
        if (pipe.OversubscriptionPeriod != sub.Period)
        {
            pipe.OversubscriptionCredits = sub.Watermark.Allowance(profile.OversubscriptionWeight);
            pipe.OversubscriptionPeriod = sub.Period;
        }

        ref QueuePositions positions = ref _positions[globalPipe];
        for (int active = _bitmap.Queues(globalPipe); active != 0; active &= active - 1)
        {
            int q = BitOperations.TrailingZeroCount(active);
            Prefetch.Line(_slots + SlotIndex(sub, globalPipe, q, positions.Head[q]));
        }

        grinder.ClassCursor = 0;
        grinder.Subport = sub;
        grinder.Profile = profile;
        grinder.ShapingState = _pipes + globalPipe;
        grinder.Positions = _positions + globalPipe;
        grinder.Slots = _slots + sub.SlotBase(globalPipe);
        grinder.State = GrinderState.Sending;
    }

    /// <summary>Sends the pipe's next eligible packet into <paramref name="output"/>, or returns false when none can go.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool SendOne(ref Grinder grinder, ref Packet output)
    {
        int globalPipe = grinder.Pipe;
        ref PipeState pipe = ref *grinder.ShapingState;
        ref QueuePositions positions = ref *grinder.Positions;
        var sub = grinder.Subport!;
        var profile = grinder.Profile!;
        Debug.Assert(ReferenceEquals(sub, _subports[pipe.Subport]) && ReferenceEquals(profile, _pipeProfiles[pipe.Profile]), "the grinder's cache matches the pipe");
        Debug.Assert(grinder.ShapingState == _pipes + globalPipe && grinder.Positions == _positions + globalPipe && grinder.Slots == _slots + sub.SlotBase(globalPipe), "the grinder's pointers match the pipe");
        ActiveQueueBitmap bitmap = _bitmap;
        int active = bitmap.Queues(globalPipe);
        while (true)
        {
            // Queue bits at or above the class cursor: strict classes map to bits 0..11, best effort to 12..15.
            int pending = active & (-1 << grinder.ClassCursor);
            if (pending == 0)
            {
                return false;
            }

            // Why: the masks (no-ops: a pipe has 16 queues) let the JIT drop the bounds checks of the per-queue arrays.
            int q = BitOperations.TrailingZeroCount(pending) & 0xF;
            int tc = q;
            if (q >= TrafficClass.BestEffort)
            {
                tc = TrafficClass.BestEffort;
                q = (TrafficClass.BestEffort + pipe.Wrr.Select((uint)active >> TrafficClass.BestEffort)) & 0xF;
            }

            int head = positions.Head[q];
            ref Packet packet = ref grinder.Slots[sub.QueueOffset[q] + (head & sub.QueueMask[q])];
            int length = packet.Length;
            long cost = length + _frameOverhead;
            long subportCost = sub.Profile.Bucket.Scale(cost);
            long pipeCost = profile.Bucket.Scale(cost);
            if (!(sub.Bucket.CoversScaled(subportCost) & pipe.Bucket.CoversScaled(pipeCost)))
            {
                // Why: the buckets are shared by all classes. Letting a lower class through because its packet
                // is smaller would break strict priority, so the visit ends here.
                return false;
            }

            bool bestEffortCapped = tc == TrafficClass.BestEffort && sub.Oversubscription;
            if (!(sub.Classes.Covers(tc, cost) & pipe.Classes.Covers(tc, cost)) || (bestEffortCapped && pipe.OversubscriptionCredits < cost))
            {
                // The class is at its cap for this period: lower classes may still use the pipe. The cursor is in
                // queue bits, so skipping best effort means skipping all four of its queues.
                grinder.ClassCursor = tc == TrafficClass.BestEffort ? TrafficClass.QueuesPerPipe : tc + 1;
                continue;
            }

            sub.Bucket.ConsumeScaled(subportCost);
            sub.Classes.Consume(tc, cost);
            pipe.Bucket.ConsumeScaled(pipeCost);
            pipe.Classes.Consume(tc, cost);
            if (bestEffortCapped)
            {
                pipe.OversubscriptionCredits -= cost;
            }

            _portTime += cost;
            output = packet;
            positions.Head[q] = (ushort)(head + 1);
            bool emptied = positions.Tail[q] == (ushort)(head + 1);
            if (emptied)
            {
                active = bitmap.MarkEmpty(globalPipe, q);
            }

            if (sub.HasCongestionControl && sub.Congestion[q] != CongestionControl.None)
            {
                OnCongestionDequeue(sub.Congestion[q], (globalPipe << 4) | q, length, emptied);
            }

            if (tc == TrafficClass.BestEffort)
            {
                pipe.Wrr.Charge(profile.Wrr, q - TrafficClass.BestEffort, length, (uint)active >> TrafficClass.BestEffort);
            }

            ref var counters = ref sub.CountersOf(tc);
            counters.SentPackets++;
            counters.SentBytes += length;
            return true;
        }
    }

    /// <summary>PIE counts the departure (rate measurement, queued bytes); RED notes when its queue went empty.</summary>
    private void OnCongestionDequeue(CongestionControl kind, int queue, int length, bool emptied)
    {
        if (kind == CongestionControl.Pie)
        {
            _pieStates[queue].OnDequeue(length, _portTime);
        }
        else if (emptied)
        {
            _redStates[queue].MarkEmpty(_portTime);
        }
    }
}
