using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Packets;
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
    public const long MaxBytes = 1L << 30;

    private readonly byte[] _bytes;
    private readonly int[] _offsets;
    private readonly int[] _captured;
    private readonly int[] _original;
    private readonly Classifier _classifier;
    private readonly double _nanosecondsPerByte;
    private int _next;

    private CaptureSource(byte[] bytes, List<(int Offset, int Captured, int Original)> frames, Classifier classifier, PortConfig config)
    {
        _bytes = bytes;
        _offsets = new int[frames.Count];
        _captured = new int[frames.Count];
        _original = new int[frames.Count];
        for (int i = 0; i < frames.Count; i++)
        {
            (_offsets[i], _captured[i], _original[i]) = frames[i];
        }

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
    public int FrameCount => _offsets.Length;

    /// <summary>Mean wire length of the capture's frames (without frame overhead).</summary>
    public double MeanLength
    {
        get
        {
            long sum = 0;
            foreach (int length in _original)
            {
                sum += length;
            }

            return (double)sum / _original.Length;
        }
    }

    /// <summary>Reads the capture at <paramref name="path"/>.</summary>
    /// <exception cref="PcapException">The file is corrupt, empty, too large, or holds a frame longer than the MTU.</exception>
    public static async Task<CaptureSource> LoadAsync(string path, PortConfig config, Classifier classifier)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using var reader = await PcapReader.OpenAsync(file).ConfigureAwait(false);
        var frames = new List<(int, int, int)>();
        byte[] bytes = new byte[Math.Min(file.Length, MaxBytes)];
        int used = 0;
        while (await reader.ReadAsync().ConfigureAwait(false) is { } record)
        {
            PcapSource.CheckLength(reader, record, config.Mtu);

            if (used + (long)record.Frame.Length > bytes.Length)
            {
                throw new PcapException(reader.RecordOffset, $"the capture holds more than {MaxBytes >> 20} MiB of frames, more than a looped source keeps in memory");
            }

            record.Frame.Span.CopyTo(bytes.AsSpan(used));
            frames.Add((used, record.Frame.Length, record.OriginalLength));
            used += record.Frame.Length;
        }

        return frames.Count == 0
            ? throw new PcapException(PcapFormat.GlobalHeaderLength, "the capture holds no frames")
            : new CaptureSource(bytes, frames, classifier, config);
    }

    public Packet Next(long now)
    {
        int i = _next;
        _next = i + 1 == _offsets.Length ? 0 : i + 1;
        var path = _classifier.Classify(_bytes.AsSpan(_offsets[i], _captured[i]), (long)(now * _nanosecondsPerByte));
        return path.ToPacket((ulong)now, _original[i]);
    }
}
