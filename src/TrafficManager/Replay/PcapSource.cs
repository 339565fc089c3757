using System.Threading;
using System.Threading.Tasks;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// Arrivals from a capture: each frame is classified at its capture time and its bytes are held in a
/// <see cref="FrameStore"/> (the descriptor's handle) until it leaves or is dropped. Times count from the first record.
/// </summary>
internal sealed class PcapSource : ReplaySource
{
    private readonly PcapReader _reader;
    private readonly Classifier _classifier;
    private readonly PortConfig _config;
    private readonly FrameStore _store;
    private readonly CancellationToken _cancellationToken;
    private long _previous;
    private bool _started;

    public PcapSource(PcapReader reader, Classifier classifier, PortConfig config, FrameStore store, CancellationToken cancellationToken)
    {
        _reader = reader;
        _classifier = classifier;
        _config = config;
        _store = store;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The first record's timestamp (nanoseconds since the Unix epoch): the replay's time 0.</summary>
    public long Epoch { get; private set; }

    /// <summary>A frame the scheduler can take: 1 to <paramref name="mtu"/> bytes on the wire.</summary>
    /// <exception cref="PcapException">It is not; the offset is the record's original-length field.</exception>
    public static void CheckLength(PcapReader reader, PcapRecord record, int mtu)
    {
        if (record.OriginalLength < 1 || record.OriginalLength > mtu)
        {
            throw new PcapException(reader.RecordOffset + 12, $"frame of {record.OriginalLength} bytes is outside 1..{mtu} (the profile's MTU)");
        }
    }

    public override async ValueTask<(bool Read, Packet Packet, long Arrival)> NextAsync()
    {
        if (await _reader.ReadAsync(_cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return (false, default, 0);
        }

        long at = _reader.RecordOffset;
        if (!_started)
        {
            Epoch = record.TimestampNanoseconds;
            _started = true;
        }

        long time = record.TimestampNanoseconds - Epoch;
        if (time < _previous)
        {
            throw new PcapException(at, $"timestamp is {_previous - time} ns before the previous record's; a replay needs times that do not decrease");
        }

        _previous = time;
        CheckLength(_reader, record, _config.Mtu);

        if (!ReplayEngine.TryArrivalBytes(time, _config.Rate, out long arrival))
        {
            throw new PcapException(at, $"timestamp is {time} ns after the first record's, too far out for a port of {_config.Rate} B/s");
        }

        var frame = record.Frame.Span;
        var path = _classifier.Classify(frame, time);
        ulong handle = _store.Add(frame, record.OriginalLength);
        return (true, path.ToPacket(handle, record.OriginalLength), arrival);
    }
}
