using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using Qos.Shaping.Clock;
using Qos.Shaping.Internal;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Pipeline;
using Qos.TrafficManager.Replay;

namespace Qos.TrafficManager.Egress;

/// <summary>
/// A transmit queue that writes each frame into a classic nanosecond pcap, stamped with the time its first bit
/// goes on the wire of a port that sends at exactly its rate: the NIC model's wire (start = max(push time, previous
/// end), each packet taking <see cref="Packet.Length"/> + frame overhead bytes of line time), converted to
/// nanoseconds after a given epoch.
/// </summary>
/// <remarks>
/// <para>
/// A record holds the frame's bytes, <see cref="FramePool.Data(int)"/>. They are copied into the writer's buffer
/// during <see cref="Push"/>, so a frame completes at once; its descriptor stays taken until its last byte has
/// left the modelled wire, so the queue paces its feeder as a NIC ring of the same capacity would, and the
/// departure times stay close to the times the scheduler released the packets.
/// </para>
/// <para>
/// Nothing waits per packet: records go into the pipe's buffer, and the queue waits only when a 64 KiB flush is
/// due and the output does not take it at once (see <see cref="PcapWriter.Flush"/>).
/// </para>
/// </remarks>
public sealed class PcapTxQueue : ITxQueue, IDisposable, IAsyncDisposable
{
    private readonly TxRing _ring;
    private readonly FramePool _pool;
    private readonly PcapWriter _writer;
    private readonly long _rate;
    private readonly long _epoch;
    private bool _disposed;

    /// <summary>Creates the queue and writes the file's header.</summary>
    /// <param name="output">Where the capture goes.</param>
    /// <param name="pool">The pool whose frames the pushed handles index.</param>
    /// <param name="rate">Port rate, bytes per second.</param>
    /// <param name="frameOverhead">Bytes of line time each frame takes beyond its length.</param>
    /// <param name="epochNanoseconds">Unix time in nanoseconds of line time 0.</param>
    /// <param name="capacity">Descriptors in the modelled ring, a power of two in 1..2^30.</param>
    /// <param name="leaveOpen">Whether <paramref name="output"/> stays open once the queue is disposed.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public PcapTxQueue(Stream output, FramePool pool, long rate, int frameOverhead, long epochNanoseconds, int capacity = 1024, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(pool);
        NicTxQueue.CheckRing(capacity, frameOverhead);
        if (rate <= 0)
        {
            ThrowHelper.OutOfRange(nameof(rate), rate, "must be positive");
        }

        if (epochNanoseconds < 0)
        {
            ThrowHelper.OutOfRange(nameof(epochNanoseconds), epochNanoseconds, "must not be negative");
        }

        _ring = new TxRing(capacity, frameOverhead, 0);
        _pool = pool;
        _rate = rate;
        _epoch = epochNanoseconds;
        _writer = PcapWriter.Create(PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: leaveOpen)));
    }

    /// <summary>Descriptors in the modelled ring.</summary>
    public int Capacity => _ring.Capacity;

    /// <summary>
    /// Set by the feeder after each refill: whether it still held packets it did not push (see
    /// <see cref="NicTxQueue.Backlogged"/>).
    /// </summary>
    public bool Backlogged
    {
        get => _ring.Backlogged;
        set => _ring.Backlogged = value;
    }

    /// <inheritdoc />
    public long WireFree => _ring.WireFree;

    /// <inheritdoc />
    public TxQueueStats Stats => _ring.Stats;

    /// <inheritdoc />
    /// <remarks>A descriptor is free once its frame has been handed back and its last byte has left the modelled wire.</remarks>
    public int Room(long now) => _ring.Capacity - _ring.Held(now);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A handle is not a frame of the pool (nothing is pushed).</exception>
    /// <exception cref="ObjectDisposedException">The queue is disposed.</exception>
    public void Push(ReadOnlySpan<Packet> packets, long now)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int room = Room(now);
        if (packets.Length > room)
        {
            NicTxQueue.ThrowOverRoom(packets.Length, room);
        }

        ulong frames = (ulong)_pool.Capacity;
        foreach (ref readonly var packet in packets)
        {
            if (packet.Handle >= frames)
            {
                ThrowNotFrame(packet.Handle, frames);
            }
        }

        foreach (ref readonly var packet in packets)
        {
            long start = _ring.Send(packet, now);
            _writer.Write(_epoch + LineTime.ToNanoseconds(start, _rate), _pool.Data((int)packet.Handle));
        }
    }

    /// <inheritdoc />
    /// <remarks>Every frame pushed is complete: its bytes are in the writer. Frames pushed before <see cref="Dispose"/> can still be collected after it.</remarks>
    public int Complete(Span<int> frames, long now) => _ring.ReapPushed(frames);

    /// <summary>Writes out what is buffered and closes the capture (and the stream unless it was left open).</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _writer.Dispose();
        }
    }

    /// <summary>Writes out what is buffered and closes the capture (and the stream unless it was left open).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotFrame(ulong handle, ulong frames) =>
        ThrowHelper.Argument("packets", $"handle {handle} is not a frame of the pool (0..{frames - 1}); nothing was pushed");
}
