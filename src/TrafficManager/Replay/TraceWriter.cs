using System;
using System.Globalization;
using System.IO;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// Writes the departures CSV (<c>depart_ns,length,subport,pipe,tc,queue</c>) through one fixed buffer, formatting
/// numbers straight to UTF-8: no allocation per row, and memory does not grow with the trace.
/// </summary>
internal sealed class TraceWriter
{
    public const string Header = "depart_ns,length,subport,pipe,tc,queue\n";

    private const int BufferSize = 1 << 16;
    private const int MaxRowLength = 128;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _used;

    public TraceWriter(Stream stream)
    {
        _stream = stream;
        _used = System.Text.Encoding.ASCII.GetBytes(Header, _buffer);
    }

    public void Write(long departNanoseconds, int length, int subport, int pipe, int trafficClass, int queue)
    {
        if (_buffer.Length - _used < MaxRowLength)
        {
            Flush();
        }

        var row = _buffer.AsSpan(_used);
        int n = Number(departNanoseconds, row);
        row[n++] = (byte)',';
        n += Number(length, row[n..]);
        row[n++] = (byte)',';
        n += Number(subport, row[n..]);
        row[n++] = (byte)',';
        n += Number(pipe, row[n..]);
        row[n++] = (byte)',';
        n += Number(trafficClass, row[n..]);
        row[n++] = (byte)',';
        n += Number(queue, row[n..]);
        row[n++] = (byte)'\n';
        _used += n;
    }

    public void Flush()
    {
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    private static int Number(long value, Span<byte> destination)
    {
        value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture);
        return written;
    }
}
