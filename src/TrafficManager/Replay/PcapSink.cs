using System;
using System.Threading;
using System.Threading.Tasks;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Replay;

/// <summary>Transmitted frames into a capture, stamped with their departure; dropped frames are let go.</summary>
internal sealed class PcapSink : ReplaySink
{
    private readonly PcapWriter _writer;
    private readonly FrameStore _store;
    private readonly PcapSource _source;
    private readonly CancellationToken _cancellationToken;

    public PcapSink(PcapWriter writer, FrameStore store, PcapSource source, CancellationToken cancellationToken)
    {
        _writer = writer;
        _store = store;
        _source = source;
        _cancellationToken = cancellationToken;
    }

    public override ValueTask DepartAsync(long departNanoseconds, Packet packet)
    {
        // Why no await before the release: the writer copies the frame before it returns.
        var write = _writer.WriteAsync(_source.Epoch + departNanoseconds, _store.Frame(packet.Handle), _store.OriginalLength(packet.Handle), _cancellationToken);
        _store.Release(packet.Handle);
        return write;
    }

    public override void Dropped(ReadOnlySpan<Packet> packets)
    {
        foreach (ref readonly var p in packets)
        {
            _store.Release(p.Handle);
        }
    }

    public override ValueTask CompleteAsync() => _writer.FlushAsync(_cancellationToken);
}
