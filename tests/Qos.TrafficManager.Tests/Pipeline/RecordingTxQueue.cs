using System;
using System.Collections.Generic;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Tests.Pipeline;

/// <summary>A TX queue for tests: a wire at the port rate (start = max(push, previous end)), unlimited room, every
/// frame complete once pushed; it records each packet's path, wire cost and start time.</summary>
internal sealed class RecordingTxQueue(int frameOverhead) : ITxQueue
{
    private readonly Queue<int> _done = new();

    public List<(int Subport, int Pipe, int TrafficClass, int WireBytes, long Start)> Sent { get; } = [];

    public TxQueueStats Stats => new(Sent.Count, 0, 0, 0);

    public long WireFree { get; private set; }

    public int Room(long now) => 1 << 20;

    public void Push(ReadOnlySpan<Packet> packets, long now)
    {
        foreach (Packet p in packets)
        {
            long start = Math.Max(now, WireFree);
            int cost = p.Length + frameOverhead;
            WireFree = start + cost;
            Sent.Add((p.Subport, p.Pipe, p.TrafficClass, cost, start));
            _done.Enqueue((int)p.Handle);
        }
    }

    public int Complete(Span<int> frames, long now)
    {
        int n = 0;
        while (n < frames.Length && _done.TryDequeue(out int frame))
        {
            frames[n++] = frame;
        }

        return n;
    }
}
