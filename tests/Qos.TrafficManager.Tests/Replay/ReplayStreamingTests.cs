using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Unicode;
using NUnit.Framework;
using Qos.TrafficManager.Profiles;
using Qos.TrafficManager.Replay;
using static Qos.TrafficManager.Tests.Replay.ReplayProfiles;

namespace Qos.TrafficManager.Tests.Replay;

/// <summary>Traces stream: what a replay allocates does not grow with the number of rows.</summary>
[TestFixture]
public sealed class ReplayStreamingTests
{
    [Test]
    public void Allocation_does_not_grow_with_the_trace()
    {
        var config = ProfileLoader.Parse(Port(pipes: 4));
        long Allocated(int rows)
        {
            using var trace = new GeneratedTrace(rows);
            using var output = new CountingStream();
            long before = GC.GetAllocatedBytesForCurrentThread();
            var summary = TraceReplay.Run(config, trace, output);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(summary.Total.Offered.Packets, Is.EqualTo(rows));
            Assert.That(output.Length, Is.GreaterThan(rows * 10L), "every packet written");
            return allocated;
        }

        // Warm-up: until the JIT has tiered the loop up, its own bookkeeping allocates on this thread, at times of
        // its choosing. Why the best of five: that bookkeeping is a one-off that can land in any measurement, while
        // an allocation per row would show in every one (180,000 more rows, megabytes).
        Allocated(100_000);
        Allocated(100_000);
        long small = 0, large = 0;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            small = Allocated(20_000);
            large = Allocated(200_000);
            if (large - small < 64 * 1024)
            {
                break;
            }
        }

        Assert.That(large - small, Is.LessThan(64 * 1024), $"10 times the rows, the same allocation ({small} B vs {large} B)");
    }

    /// <summary>A trace made up row by row as it is read: 64-byte packets every 10 µs over 4 pipes and 4 best-effort queues.</summary>
    private sealed class GeneratedTrace(int rows) : Stream
    {
        private readonly byte[] _line = new byte[64];
        private byte[] _pending = Encoding.ASCII.GetBytes("time_ns,length,subport,pipe,tc,queue\n");
        private int _pendingLength = "time_ns,length,subport,pipe,tc,queue\n".Length;
        private int _offset;
        private int _row;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int written = 0;
            while (written < count)
            {
                if (_offset == _pendingLength)
                {
                    if (_row == rows)
                    {
                        break;
                    }

                    // Formatted in place: the generator itself allocates nothing per row.
                    Utf8.TryWrite(_line, CultureInfo.InvariantCulture, $"{_row * 10_000L},64,0,{_row % 4},12,{_row / 4 % 4}\n", out _pendingLength);
                    _pending = _line;
                    _offset = 0;
                    _row++;
                }

                int take = Math.Min(count - written, _pendingLength - _offset);
                Array.Copy(_pending, _offset, buffer, offset + written, take);
                _offset += take;
                written += take;
            }

            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
