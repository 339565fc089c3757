using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// Streams the records of a classic pcap file (microsecond or nanosecond, either byte order, Ethernet link type)
/// from a <see cref="PipeReader"/>: memory holds the pipe's segments and one reused frame buffer, whatever the
/// file's size. A truncated or corrupt file is a <see cref="PcapException"/> with the byte offset.
/// </summary>
public sealed class PcapReader : IAsyncDisposable
{
    private readonly PipeReader _pipe;
    private readonly byte[] _frame;
    private long _offset;
    private uint _snapLength;

    private PcapReader(PipeReader pipe)
    {
        _pipe = pipe;
        _frame = new byte[PcapFormat.MaxRecordLength];
    }

    /// <summary>The file's variant, known once <see cref="OpenAsync(Stream, CancellationToken)"/> returned.</summary>
    public PcapFormat Format { get; private set; }

    /// <summary>Byte offset of the header of the record <see cref="ReadAsync"/> returned last.</summary>
    public long RecordOffset { get; private set; }

    /// <summary>The snapshot length the file declares.</summary>
    public long SnapLength => _snapLength;

    /// <summary>Opens a pcap stream and reads its global header.</summary>
    /// <param name="stream">The file's bytes.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="PcapException">The global header is truncated or not a pcap header.</exception>
    public static ValueTask<PcapReader> OpenAsync(Stream stream, CancellationToken cancellationToken = default) =>
        OpenAsync(PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 1 << 16)), cancellationToken);

    /// <summary>Opens a pcap pipe and reads its global header.</summary>
    /// <param name="pipe">The file's bytes.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="PcapException">The global header is truncated or not a pcap header.</exception>
    public static async ValueTask<PcapReader> OpenAsync(PipeReader pipe, CancellationToken cancellationToken = default)
    {
        var reader = new PcapReader(pipe);
        await reader.ReadGlobalHeaderAsync(cancellationToken).ConfigureAwait(false);
        return reader;
    }

    /// <summary>Reads the next record; null at the end of the file. The frame is valid until the next call.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="PcapException">The record is truncated or corrupt.</exception>
    public async ValueTask<PcapRecord?> ReadAsync(CancellationToken cancellationToken = default)
    {
        long at = _offset;
        RecordOffset = at;
        var header = await FillAsync(PcapFormat.RecordHeaderLength, allowEnd: true, cancellationToken).ConfigureAwait(false);
        if (header.IsEmpty)
        {
            return null;
        }

        Span<byte> h = stackalloc byte[PcapFormat.RecordHeaderLength];
        header.Slice(0, PcapFormat.RecordHeaderLength).CopyTo(h);
        uint seconds = Read32(h);
        uint fraction = Read32(h.Slice(4));
        uint captured = Read32(h.Slice(8));
        uint original = Read32(h.Slice(12));
        _pipe.AdvanceTo(header.GetPosition(PcapFormat.RecordHeaderLength));
        _offset += PcapFormat.RecordHeaderLength;
        if (fraction >= (Format.Nanosecond ? 1_000_000_000u : 1_000_000u))
        {
            throw new PcapException(at + 4, $"timestamp fraction {fraction} is not below one second");
        }

        if (captured > _snapLength || captured > PcapFormat.MaxRecordLength)
        {
            throw new PcapException(at + 8, $"record of {captured} bytes is larger than the snapshot length {_snapLength}");
        }

        if (captured > original)
        {
            throw new PcapException(at + 8, $"record of {captured} bytes is longer than its original length {original}");
        }

        var data = await FillAsync((int)captured, allowEnd: false, cancellationToken).ConfigureAwait(false);
        data.Slice(0, captured).CopyTo(_frame);
        _pipe.AdvanceTo(data.GetPosition(captured));
        _offset += captured;
        long nanoseconds = seconds * 1_000_000_000L + (Format.Nanosecond ? fraction : fraction * 1000L);
        return new PcapRecord(nanoseconds, _frame.AsMemory(0, (int)captured), (int)Math.Min(original, int.MaxValue));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _pipe.CompleteAsync();

    private async ValueTask ReadGlobalHeaderAsync(CancellationToken cancellationToken)
    {
        var header = await FillAsync(PcapFormat.GlobalHeaderLength, allowEnd: false, cancellationToken).ConfigureAwait(false);
        byte[] h = new byte[PcapFormat.GlobalHeaderLength];
        header.Slice(0, PcapFormat.GlobalHeaderLength).CopyTo(h);
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(h);
        Format = magic switch
        {
            PcapFormat.MicrosecondMagic => new PcapFormat(false, true),
            PcapFormat.NanosecondMagic => new PcapFormat(true, true),
            0xD4C3B2A1 => new PcapFormat(false, false),
            0x4D3CB2A1 => new PcapFormat(true, false),
            _ => throw new PcapException(0, $"magic number 0x{magic:X8} is not classic pcap (pcapng is not supported)"),
        };
        ushort major = Format.BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(4)) : BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(4));
        if (major != 2)
        {
            throw new PcapException(4, $"version {major} is not 2");
        }

        _snapLength = Read32(h.AsSpan(16));
        uint linkType = Read32(h.AsSpan(20)) & 0x0FFFFFFF;
        if (linkType != PcapFormat.Ethernet)
        {
            throw new PcapException(20, $"link type {linkType} is not Ethernet (1)");
        }

        _pipe.AdvanceTo(header.GetPosition(PcapFormat.GlobalHeaderLength));
        _offset = PcapFormat.GlobalHeaderLength;
    }

    /// <summary>Waits until <paramref name="count"/> bytes are buffered; empty at a clean end when <paramref name="allowEnd"/>.</summary>
    private async ValueTask<ReadOnlySequence<byte>> FillAsync(int count, bool allowEnd, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length >= count)
            {
                return buffer;
            }

            if (result.IsCompleted)
            {
                if (allowEnd && buffer.IsEmpty)
                {
                    return buffer;
                }

                string what = count == PcapFormat.GlobalHeaderLength && _offset == 0 ? "global header"
                    : allowEnd ? "record header" : "record data";
                throw new PcapException(_offset, $"file ends inside a {what}: {buffer.Length} of {count} bytes");
            }

            _pipe.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private uint Read32(ReadOnlySpan<byte> bytes) =>
        Format.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
}
