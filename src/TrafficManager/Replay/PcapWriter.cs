using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// Streams frames into a classic pcap file through a <see cref="PipeWriter"/>: nanosecond timestamps and the
/// machine's byte order by default (microsecond and either byte order on request), Ethernet link type. Records are
/// buffered and flushed every 64 KiB and at <see cref="DisposeAsync"/> (or <see cref="Dispose"/>).
/// </summary>
/// <remarks>
/// Two ways to write: <see cref="WriteAsync(long, ReadOnlySpan{byte}, CancellationToken)"/> for async code, and
/// <see cref="Write(long, ReadOnlySpan{byte})"/> for a thread that must not await per record (an egress loop): it
/// copies the record into the pipe's buffer and waits only when a 64 KiB flush is due and the pipe does not take it
/// at once. Use one of the two on a writer, from one thread at a time.
/// </remarks>
public sealed class PcapWriter : IAsyncDisposable, IDisposable
{
    private const int FlushThreshold = 1 << 16;

    private readonly PipeWriter _pipe;
    private readonly PcapFormat _format;
    private readonly int _snapLength;
    private long _unflushed;

    private PcapWriter(PipeWriter pipe, PcapFormat format, int snapLength)
    {
        _pipe = pipe;
        _format = format;
        _snapLength = snapLength;
    }

    /// <summary>Creates a writer over <paramref name="stream"/> and writes the global header.</summary>
    /// <param name="stream">Where the file goes.</param>
    /// <param name="format">Resolution and byte order; null for nanosecond in the machine's order.</param>
    /// <param name="snapLength">Longest record kept; longer frames are cut (their original length is kept).</param>
    public static PcapWriter Create(Stream stream, PcapFormat? format = null, int snapLength = 65535) =>
        Create(PipeWriter.Create(stream), format, snapLength);

    /// <summary>Creates a writer over <paramref name="pipe"/> and writes the global header.</summary>
    /// <param name="pipe">Where the file goes.</param>
    /// <param name="format">Resolution and byte order; null for nanosecond in the machine's order.</param>
    /// <param name="snapLength">Longest record kept; longer frames are cut (their original length is kept).</param>
    public static PcapWriter Create(PipeWriter pipe, PcapFormat? format = null, int snapLength = 65535)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(snapLength, PcapFormat.MaxRecordLength);
        var writer = new PcapWriter(pipe, format ?? new PcapFormat(true, !BitConverter.IsLittleEndian), snapLength);
        var h = pipe.GetSpan(PcapFormat.GlobalHeaderLength).Slice(0, PcapFormat.GlobalHeaderLength);
        h.Clear();
        writer.Write32(h, writer._format.Nanosecond ? PcapFormat.NanosecondMagic : PcapFormat.MicrosecondMagic);
        writer.Write16(h.Slice(4), 2);
        writer.Write16(h.Slice(6), 4);
        writer.Write32(h.Slice(16), (uint)snapLength);
        writer.Write32(h.Slice(20), PcapFormat.Ethernet);
        pipe.Advance(PcapFormat.GlobalHeaderLength);
        writer._unflushed = PcapFormat.GlobalHeaderLength;
        return writer;
    }

    /// <summary>Appends one frame; flushes when 64 KiB are buffered.</summary>
    /// <param name="timestampNanoseconds">Time in nanoseconds since the Unix epoch (not negative).</param>
    /// <param name="frame">The frame's bytes.</param>
    /// <param name="cancellationToken">Cancels a flush.</param>
    public ValueTask WriteAsync(long timestampNanoseconds, ReadOnlySpan<byte> frame, CancellationToken cancellationToken = default) =>
        WriteAsync(timestampNanoseconds, frame, frame.Length, cancellationToken);

    /// <summary>Appends one frame of which only the first bytes were captured; flushes when 64 KiB are buffered.</summary>
    /// <param name="timestampNanoseconds">Time in nanoseconds since the Unix epoch (not negative).</param>
    /// <param name="frame">The captured bytes.</param>
    /// <param name="originalLength">The frame's length on the wire, at least <c>frame.Length</c>.</param>
    /// <param name="cancellationToken">Cancels a flush.</param>
    public ValueTask WriteAsync(long timestampNanoseconds, ReadOnlySpan<byte> frame, int originalLength, CancellationToken cancellationToken = default) =>
        Append(timestampNanoseconds, frame, originalLength) ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Appends one frame without awaiting; when 64 KiB are buffered, flushes and waits for the pipe to take them.</summary>
    /// <param name="timestampNanoseconds">Time in nanoseconds since the Unix epoch (not negative).</param>
    /// <param name="frame">The frame's bytes.</param>
    public void Write(long timestampNanoseconds, ReadOnlySpan<byte> frame) => Write(timestampNanoseconds, frame, frame.Length);

    /// <summary>
    /// Appends one frame of which only the first bytes were captured, without awaiting; when 64 KiB are buffered,
    /// flushes and waits for the pipe to take them.
    /// </summary>
    /// <param name="timestampNanoseconds">Time in nanoseconds since the Unix epoch (not negative).</param>
    /// <param name="frame">The captured bytes.</param>
    /// <param name="originalLength">The frame's length on the wire, at least <c>frame.Length</c>.</param>
    public void Write(long timestampNanoseconds, ReadOnlySpan<byte> frame, int originalLength)
    {
        if (Append(timestampNanoseconds, frame, originalLength))
        {
            Flush();
        }
    }

    /// <summary>Writes the buffered records through, waiting if the pipe does not take them at once.</summary>
    /// <remarks>
    /// Why a blocking wait is acceptable: it happens once per 64 KiB, on a thread that has nothing else to do
    /// until its output takes the bytes. A pipe whose reader copies to the file on another thread keeps even that
    /// wait off the caller unless the disk falls behind.
    /// </remarks>
    public void Flush()
    {
        _unflushed = 0;
        var flush = _pipe.FlushAsync();
        if (flush.IsCompleted)
        {
            _ = flush.GetAwaiter().GetResult();
        }
        else
        {
            Wait(flush);
        }
    }

    /// <summary>Flushes the buffered records and completes the pipe, waiting for it if need be.</summary>
    public void Dispose()
    {
        Flush();
        _pipe.Complete();
    }

    /// <summary>Writes the buffered records through.</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        _unflushed = 0;
        await _pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await FlushAsync().ConfigureAwait(false);
        await _pipe.CompleteAsync().ConfigureAwait(false);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Wait(ValueTask<FlushResult> flush) => _ = flush.AsTask().GetAwaiter().GetResult();

    /// <summary>Copies one record into the pipe's buffer; returns whether a flush is due.</summary>
    private bool Append(long timestampNanoseconds, ReadOnlySpan<byte> frame, int originalLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timestampNanoseconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(originalLength, frame.Length);
        int captured = Math.Min(frame.Length, _snapLength);
        int length = PcapFormat.RecordHeaderLength + captured;
        var span = _pipe.GetSpan(length);
        long seconds = timestampNanoseconds / 1_000_000_000;
        long fraction = timestampNanoseconds % 1_000_000_000;
        Write32(span, (uint)seconds);
        Write32(span.Slice(4), (uint)(_format.Nanosecond ? fraction : fraction / 1000));
        Write32(span.Slice(8), (uint)captured);
        Write32(span.Slice(12), (uint)originalLength);
        frame.Slice(0, captured).CopyTo(span.Slice(PcapFormat.RecordHeaderLength));
        _pipe.Advance(length);
        _unflushed += length;
        return _unflushed >= FlushThreshold;
    }

    private void Write32(Span<byte> span, uint value)
    {
        if (_format.BigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
        }
    }

    private void Write16(Span<byte> span, ushort value)
    {
        if (_format.BigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, value);
        }
    }
}
