using System;
using System.IO;
using System.Text;
using Qos.Shaping.Congestion;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// Streams the rows of a trace CSV (<c>time_ns,length,subport,pipe,tc,queue[,color]</c>, columns in any order after a
/// header naming them) through one fixed buffer: memory does not grow with the trace. Every malformed line is a
/// <see cref="TraceException"/> with its line number: nothing is skipped. Times must not decrease.
/// </summary>
internal sealed class TraceReader
{
    /// <summary>Longest line accepted, in bytes: also the buffer size.</summary>
    public const int MaxLineLength = 1 << 16;

    private const int TimeColumn = 0;
    private const int LengthColumn = 1;
    private const int SubportColumn = 2;
    private const int PipeColumn = 3;
    private const int ClassColumn = 4;
    private const int QueueColumn = 5;
    private const int ColorColumn = 6;
    private const string ExpectedHeader = "time_ns,length,subport,pipe,tc,queue (and optionally color)";

    private static readonly string[] _names = ["time_ns", "length", "subport", "pipe", "tc", "queue", "color"];

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[MaxLineLength];
    private readonly int[] _columnOfField;
    private int _start;
    private int _end;
    private bool _eof;
    private long _previousTime;

    public TraceReader(Stream stream)
    {
        _stream = stream;
        _columnOfField = ReadHeader();
    }

    /// <summary>1-based number of the line read last.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Reads the next row; false at the end of the trace.</summary>
    /// <exception cref="TraceException">The line is malformed or goes back in time.</exception>
    public bool Read(out TraceRecord record)
    {
        record = default;
        if (!NextLine(out int start, out int length))
        {
            return false;
        }

        var line = _buffer.AsSpan(start, length);
        if (line.IsEmpty)
        {
            throw Error("empty line: every line after the header is a packet");
        }

        int field = 0;
        while (true)
        {
            int comma = line.IndexOf((byte)',');
            var text = Trim(comma < 0 ? line : line[..comma]);
            if (field >= _columnOfField.Length)
            {
                throw Error($"more than the header's {_columnOfField.Length} fields");
            }

            int column = _columnOfField[field++];
            if (column == ColorColumn)
            {
                record.Color = ParseColor(text);
            }
            else
            {
                long value = ParseWhole(text, column);
                switch (column)
                {
                    case TimeColumn:
                        record.TimeNanoseconds = value;
                        break;
                    case LengthColumn:
                        record.Length = value;
                        break;
                    case SubportColumn:
                        record.Subport = value;
                        break;
                    case PipeColumn:
                        record.Pipe = value;
                        break;
                    case ClassColumn:
                        record.TrafficClass = value;
                        break;
                    default:
                        record.Queue = value;
                        break;
                }
            }

            if (comma < 0)
            {
                break;
            }

            line = line[(comma + 1)..];
        }

        if (field != _columnOfField.Length)
        {
            throw Error($"{field} fields where the header has {_columnOfField.Length}");
        }

        if (record.TimeNanoseconds < _previousTime)
        {
            throw Error($"time_ns {record.TimeNanoseconds} is earlier than {_previousTime} on the line before: arrivals must be in time order");
        }

        _previousTime = record.TimeNanoseconds;
        return true;
    }

    private int[] ReadHeader()
    {
        if (!NextLine(out int start, out int length))
        {
            throw new TraceException(1, $"the trace is empty: expected the header {ExpectedHeader}");
        }

        var line = _buffer.AsSpan(start, length);
        if (line.StartsWith("\uFEFF"u8))
        {
            line = line[3..];
        }

        string header = Encoding.UTF8.GetString(line);
        string[] fields = header.Split(',');
        var columns = new int[fields.Length];
        bool[] seen = new bool[_names.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            string name = fields[i].Trim();
            int column = Array.IndexOf(_names, name);
            if (column < 0)
            {
                throw Error($"bad header '{Shorten(header)}': unknown column '{Shorten(name)}'; expected {ExpectedHeader}");
            }

            if (seen[column])
            {
                throw Error($"bad header '{Shorten(header)}': column '{name}' appears twice");
            }

            seen[column] = true;
            columns[i] = column;
        }

        for (int c = 0; c < ColorColumn; c++)
        {
            if (!seen[c])
            {
                throw Error($"bad header '{Shorten(header)}': column '{_names[c]}' is missing; expected {ExpectedHeader}");
            }
        }

        return columns;
    }

    /// <summary>The next line (without its <c>\n</c> or <c>\r\n</c>) as a range of the buffer, valid until the next call.</summary>
    private bool NextLine(out int start, out int length)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0 || (_eof && _start < _end))
            {
                start = _start;
                length = newline >= 0 ? newline : _end - _start;
                _start += newline >= 0 ? newline + 1 : length;
                LineNumber++;
                if (length > 0 && _buffer[start + length - 1] == (byte)'\r')
                {
                    length--;
                }

                return true;
            }

            if (_eof)
            {
                start = length = 0;
                return false;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new TraceException(LineNumber + 1, $"line longer than {MaxLineLength} bytes");
            }

            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
            }

            _end += read;
        }
    }

    private long ParseWhole(ReadOnlySpan<byte> text, int column)
    {
        long value = 0;
        bool ok = text.Length is > 0 and <= 18;
        foreach (byte b in text)
        {
            if ((uint)(b - '0') > 9)
            {
                ok = false;
                break;
            }

            value = (value * 10) + (b - '0');
        }

        return ok ? value : throw Error($"{_names[column]} '{Shorten(Encoding.UTF8.GetString(text))}' is not a whole number (digits only, at most 18)");
    }

    private PacketColor ParseColor(ReadOnlySpan<byte> text)
    {
        if (text.SequenceEqual("green"u8) || text.SequenceEqual("0"u8))
        {
            return PacketColor.Green;
        }

        if (text.SequenceEqual("yellow"u8) || text.SequenceEqual("1"u8))
        {
            return PacketColor.Yellow;
        }

        if (text.SequenceEqual("red"u8) || text.SequenceEqual("2"u8))
        {
            return PacketColor.Red;
        }

        throw Error($"color '{Shorten(Encoding.UTF8.GetString(text))}' must be green, yellow or red (or 0, 1, 2)");
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        while (!text.IsEmpty && text[0] is (byte)' ' or (byte)'\t')
        {
            text = text[1..];
        }

        while (!text.IsEmpty && text[^1] is (byte)' ' or (byte)'\t')
        {
            text = text[..^1];
        }

        return text;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private TraceException Error(string detail) => new(LineNumber, detail);
}
