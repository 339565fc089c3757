namespace Qos.TrafficManager.Egress;

/// <summary>What a transmit queue has sent since it was created.</summary>
/// <param name="Packets">Packets pushed (each is on the wire or has left it).</param>
/// <param name="Bytes">Their bytes, <see cref="Packets.Packet.Length"/>, without the frame overhead.</param>
/// <param name="IdleTime">
/// Line time the wire sat idle between the queue's start and its latest push (a gap is counted when the push that
/// ends it comes); 0 for a queue without a wire.
/// </param>
/// <param name="IdleWhileBacklogged">
/// The part of <see cref="IdleTime"/> during which the feeder said it still held packets (a queue's
/// <c>Backlogged</c> flag, set by the feeder after each refill): idle line time that is the scheduler's fault.
/// </param>
public readonly record struct TxQueueStats(long Packets, long Bytes, long IdleTime, long IdleWhileBacklogged);
