using System;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Egress;

/// <summary>
/// Where an egress stage puts the packets its port scheduler released: a NIC's transmit ring, a capture file, or
/// nothing. Time <c>now</c> is the port's line time in bytes (the egress thread's <c>IByteClock</c>), never
/// decreasing from call to call; a queue belongs to one thread.
/// </summary>
/// <remarks>
/// <para>
/// <b>Ownership.</b> Each pushed <see cref="Packet.Handle"/> is a frame index (a <see cref="Pipeline.FramePool"/>
/// index); with <see cref="Push"/> the frame passes to the queue, which may read its bytes until it hands the index
/// back through <see cref="Complete"/>. Every pushed frame comes back exactly once, in push order; the caller then
/// returns it to its pool. A queue never returns frames to a pool itself.
/// </para>
/// <para>
/// <b>Room and push.</b> <see cref="Push"/> takes at most <see cref="Room"/> packets at the same <c>now</c>; a burst
/// longer than that is refused whole with an <see cref="ArgumentException"/>. Pushing n packets lowers the room by
/// n; room comes back as time passes and as <see cref="Complete"/> hands frames back (a NIC frees a descriptor
/// only when its frame is collected), so an egress loop collects completions before it asks for room.
/// </para>
/// <para>
/// <b>Complete.</b> A frame is complete when the queue is done with its bytes: for a NIC when its last byte has
/// left the wire, for a file when its bytes are written out, for the null queue at once.
/// </para>
/// </remarks>
public interface ITxQueue
{
    /// <summary>
    /// Line time at which everything pushed so far has left the wire (the time of the latest push when nothing is
    /// on it). Room appears no later than this; an egress loop with nothing else to do can wait until then.
    /// </summary>
    long WireFree { get; }

    /// <summary>What the queue has sent and how long its wire sat idle.</summary>
    TxQueueStats Stats { get; }

    /// <summary>How many packets <see cref="Push"/> takes at <paramref name="now"/>.</summary>
    /// <param name="now">The port's line time in bytes.</param>
    int Room(long now);

    /// <summary>Hands packets to the queue, in order; their frames now belong to it.</summary>
    /// <param name="packets">At most <see cref="Room"/>(<paramref name="now"/>) descriptors whose handles are frame indices.</param>
    /// <param name="now">The port's line time in bytes.</param>
    /// <exception cref="ArgumentException">More packets than <see cref="Room"/> (nothing is pushed).</exception>
    void Push(ReadOnlySpan<Packet> packets, long now);

    /// <summary>Hands back frames whose transmission finished by <paramref name="now"/>, oldest first.</summary>
    /// <param name="frames">Receives the frame indices, from the start; at most its length are handed back.</param>
    /// <param name="now">The port's line time in bytes.</param>
    /// <returns>How many frames were handed back; the caller returns them to their pool.</returns>
    int Complete(Span<int> frames, long now);
}
