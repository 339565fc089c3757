using System;
using System.Diagnostics;
using System.Threading;
using Qos.EventCore;
using Qos.TrafficManager.Classification;

namespace Qos.TrafficManager.Pipeline;

/// <summary>RX: source → classifier → events on the atomic queue (or, with no workers, the work and the egress queues).</summary>
public sealed partial class PacketPipeline<TWork>
{
    private void RunRx()
    {
        EventPort port = _device.GetPort(0);
        int burst = _options.Burst;
        var frames = new int[burst];
        var events = new Event[burst];
        IFrameSource source = _options.Source;
        PortSelector? select = _options.SelectPort;
        var ports = _options.Ports;
        int portCount = ports.Count;
        TWork work = _work;
        bool wait = _options.RxBackpressure == RxBackpressure.Wait;
        double nanosecondsPerTick = 1e9 / Stopwatch.Frequency;
        // Why: the RX clock goes on from where the last run stopped, so that a paced source (and the classifier's
        // offload intervals) carry on at their rate after a restart instead of waiting for the clock to catch up.
        long start = Stopwatch.GetTimestamp() - (long)(_rxClockNanoseconds / nanosecondsPerTick);
        long nowNs = _rxClockNanoseconds;
        var idle = default(IdleWait);
        int n = 0, i = 0, e = 0;
        try
        {
            while (!_signals.StopRx)
            {
                nowNs = (long)((Stopwatch.GetTimestamp() - start) * nanosecondsPerTick);
                e = 0;
                n = source.Receive(_pool, frames, nowNs);
                if (n == 0)
                {
                    port.Maintain();
                    if (source.Completed)
                    {
                        break;
                    }

                    idle.Wait(maySleep: true);
                    continue;
                }

                idle.Reset();
                Volatile.Write(ref _rx.Received, _rx.Received + n);
                long stamp = Stopwatch.GetTimestamp();
                for (i = 0; i < n; i++)
                {
                    int frame = frames[i];
                    ReadOnlySpan<byte> data = _pool.Data(frame);
                    ClassifiedPath path = ports[0].Classifier.Classify(data, nowNs);
                    int egress = 0;
                    if (portCount > 1)
                    {
                        egress = select is null ? (int)(path.FlowId % (ulong)portCount) : select(data, path.FlowId);
                        if ((uint)egress >= (uint)portCount)
                        {
                            throw new InvalidOperationException($"PipelineOptions.SelectPort returned {egress}; there are {portCount} egress ports");
                        }

                        if (egress != 0)
                        {
                            path = ports[egress].Classifier.Classify(data, nowNs);
                        }
                    }

                    ref FrameMetadata metadata = ref _pool.Metadata(frame);
                    metadata.FlowId = path.FlowId;
                    metadata.Subport = (ushort)path.Subport;
                    metadata.Pipe = (ushort)path.Pipe;
                    metadata.TrafficClass = (byte)path.TrafficClass;
                    metadata.Queue = (byte)path.Queue;
                    metadata.Color = path.Color;
                    metadata.EgressPort = (byte)egress;
                    metadata.RxTimestamp = stamp;
                    byte queue = 0;
                    if (_workers == 0)
                    {
                        var context = new PacketContext(_pool, frame, 0, portCount);
                        if (work.Process(ref context) == WorkVerdict.Drop)
                        {
                            _pool.Return(frame);
                            Volatile.Write(ref _rx.WorkerDrops, _rx.WorkerDrops + 1);
                            continue;
                        }

                        queue = EgressQueue(metadata.EgressPort, portCount);
                    }

                    events[e++] = new Event(FlowIds.ToEventFlow(path.FlowId), queue, EventOperation.New, (ulong)frame);
                }

                n = 0;
                if (e == 0)
                {
                    continue;
                }

                bool accepted = port.Enqueue(events.AsSpan(0, e)) == e;
                if (!accepted && wait)
                {
                    // Why: Maintain flushes this port's output and returns idle credits; the others drain meanwhile.
                    var spin = default(SpinWait);
                    while (!accepted && !_signals.StopRx)
                    {
                        port.Maintain();
                        spin.SpinOnce(-1);
                        accepted = port.Enqueue(events.AsSpan(0, e)) == e;
                    }
                }

                if (accepted)
                {
                    Volatile.Write(ref _rx.Enqueued, _rx.Enqueued + e);
                }
                else
                {
                    // Why: credits push back; as a NIC whose RX ring is full, the burst is dropped (counted), never queued.
                    for (int k = 0; k < e; k++)
                    {
                        _pool.Return((int)events[k].Payload);
                    }

                    Volatile.Write(ref _rx.Backpressure, _rx.Backpressure + e);
                    // Why: the stages behind are full; receiving more now would only drop it, on a core they may need.
                    Thread.Yield();
                }

                e = 0;
            }
        }
        catch
        {
            // Why: frames in this thread's hands when it failed are accounted for at Stop, as flushed.
            for (int k = 0; k < e; k++)
            {
                _stranded.Enqueue((int)events[k].Payload);
            }

            for (int k = i; k < n; k++)
            {
                _stranded.Enqueue(frames[k]);
            }

            throw;
        }

        _rxClockNanoseconds = nowNs;
        _signals.RxLeft = true;
        // Why: a port must stay attended while the others run: migrations wait for every port's confirmation.
        while (!_signals.StopAll)
        {
            port.Maintain();
            if (!_signals.InputDrained && InDevice() == 0)
            {
                _signals.InputDrained = true;
            }

            idle.Wait(maySleep: _signals.InputDrained);
        }
    }

    private void RunWorker(int worker)
    {
        EventPort port = _device.GetPort(1 + worker);
        var events = new Event[_options.Burst];
        int portCount = _egress.Length;
        WorkerCounters counters = _workerCounters[worker];
        TWork work = _work;
        var idle = default(IdleWait);
        while (!_signals.StopAll)
        {
            int n = port.Poll(events);
            if (n == 0)
            {
                idle.Wait(maySleep: true);
                continue;
            }

            idle.Reset();
            int i = 0;
            try
            {
                for (; i < n; i++)
                {
                    int frame = (int)events[i].Payload;
                    var context = new PacketContext(_pool, frame, worker, portCount);
                    if (work.Process(ref context) == WorkVerdict.Drop)
                    {
                        _pool.Return(frame);
                        Volatile.Write(ref counters.Drops, counters.Drops + 1);
                        events[i].Operation = EventOperation.Release;
                    }
                    else
                    {
                        events[i].QueueId = EgressQueue(_pool.Metadata(frame).EgressPort, portCount);
                        events[i].Operation = EventOperation.Forward;
                    }
                }
            }
            catch
            {
                // Why: the burst's frames not dropped are in this thread's hands; Stop accounts for them as flushed.
                for (int k = 0; k < n; k++)
                {
                    if (k >= i || events[k].Operation != EventOperation.Release)
                    {
                        _stranded.Enqueue((int)events[k].Payload);
                    }
                }

                throw;
            }

            if (port.Enqueue(events.AsSpan(0, n)) != n)
            {
                // Why: a forward spends the credit its dequeue brought, so the device never refuses it.
                throw new InvalidOperationException($"worker {worker}: the event device refused a forward");
            }
        }
    }

    private static byte EgressQueue(int egressPort, int portCount) =>
        (uint)egressPort < (uint)portCount
            ? (byte)(1 + egressPort)
            : throw new InvalidOperationException($"the work set egress port {egressPort}; there are {portCount} egress ports");

}
