using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Qos.TrafficManager.Replay;

namespace Qos.TrafficManager.Pipeline;

/// <summary>A capture read once into memory (one array), for sources that loop it.</summary>
public sealed class CapturedFrames
{
    /// <summary>The most capture bytes held in memory.</summary>
    public const long MaxBytes = 1L << 30;

    private readonly byte[] _bytes;
    private readonly int[] _offsets;
    private readonly int[] _captured;
    private readonly int[] _original;

    private CapturedFrames(byte[] bytes, List<(int Offset, int Captured, int Original)> frames)
    {
        _bytes = bytes;
        _offsets = new int[frames.Count];
        _captured = new int[frames.Count];
        _original = new int[frames.Count];
        long sum = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            (_offsets[i], _captured[i], _original[i]) = frames[i];
            sum += _original[i];
        }

        MeanLength = (double)sum / frames.Count;
    }

    /// <summary>Frames in the capture.</summary>
    public int Count => _offsets.Length;

    /// <summary>Mean wire length of the frames (without frame overhead).</summary>
    public double MeanLength { get; }

    /// <summary>The captured bytes of frame <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Frame(int index) => _bytes.AsSpan(_offsets[index], _captured[index]);

    /// <summary>The length frame <paramref name="index"/> had on the wire.</summary>
    public int OriginalLength(int index) => _original[index];

    /// <summary>Reads the classic pcap at <paramref name="path"/>.</summary>
    /// <exception cref="PcapException">The file is corrupt, empty, larger than <see cref="MaxBytes"/>, or holds a frame longer than <paramref name="mtu"/>.</exception>
    public static async Task<CapturedFrames> LoadAsync(string path, int mtu, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using var reader = await PcapReader.OpenAsync(file, cancellationToken).ConfigureAwait(false);
        var frames = new List<(int, int, int)>();
        byte[] bytes = new byte[Math.Min(file.Length, MaxBytes)];
        int used = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } record)
        {
            PcapSource.CheckLength(reader, record, mtu);
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
            : new CapturedFrames(bytes, frames);
    }
}
