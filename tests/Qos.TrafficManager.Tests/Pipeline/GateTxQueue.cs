using System;
using System.Threading;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Tests.Pipeline;

/// <summary>A TX queue whose <see cref="Room"/> blocks its caller (the egress thread) while the gate is closed: a
/// stalled egress. Open, it takes everything and completes it at once.</summary>
internal sealed class GateTxQueue : ITxQueue, IDisposable
{
    private readonly ManualResetEventSlim _open = new(false);
    private readonly System.Collections.Generic.Queue<int> _done = new();

    public TxQueueStats Stats => default;

    public long WireFree => 0;

    public int Room(long now)
    {
        _open.Wait();
        return 1 << 20;
    }

    public void Open() => _open.Set();

    public void Push(ReadOnlySpan<Packet> packets, long now)
    {
        foreach (Packet p in packets)
        {
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

    public void Dispose() => _open.Dispose();
}
