using System.Threading.Tasks;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Pipeline;
using Qos.TrafficManager.Replay;

namespace Qos.Perf.LineRate;

/// <summary>
/// Loops a capture as the traffic source: the frames in file order, again and again, each classified as it is
/// offered (so the classifier and its offload table run in the measured loop). The capture is read once into one
/// array; the harness paces frames by <c>--load</c>, not by the capture's timestamps.
/// </summary>
public sealed class CaptureSource : IPacketSource
{
    /// <summary>The most capture bytes held in memory.</summary>
    public const long MaxBytes = CapturedFrames.MaxBytes;

    private readonly CapturedFrames _capture;
    private readonly Classifier _classifier;
    private readonly double _nanosecondsPerByte;
    private int _next;

    private CaptureSource(CapturedFrames capture, Classifier classifier, PortConfig config)
    {
        _capture = capture;
        _classifier = classifier;
        _nanosecondsPerByte = 1e9 / config.Rate;
        foreach (var subport in config.Subports)
        {
            PipeCount += subport.PipeCount;
        }
    }

    public string Mix => "capture";

    public int PipeCount { get; }

    /// <summary>Frames in the capture.</summary>
    public int FrameCount => _capture.Count;

    /// <summary>Mean wire length of the capture's frames (without frame overhead).</summary>
    public double MeanLength => _capture.MeanLength;

    /// <summary>Reads the capture at <paramref name="path"/>.</summary>
    /// <exception cref="PcapException">The file is corrupt, empty, too large, or holds a frame longer than the MTU.</exception>
    public static async Task<CaptureSource> LoadAsync(string path, PortConfig config, Classifier classifier) =>
        new(await CapturedFrames.LoadAsync(path, config.Mtu).ConfigureAwait(false), classifier, config);

    public Packet Next(long now)
    {
        int i = _next;
        _next = i + 1 == _capture.Count ? 0 : i + 1;
        var path = _classifier.Classify(_capture.Frame(i), (long)(now * _nanosecondsPerByte));
        return path.ToPacket((ulong)now, _capture.OriginalLength(i));
    }
}
