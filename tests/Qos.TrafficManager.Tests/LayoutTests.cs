using System.Runtime.CompilerServices;
using NUnit.Framework;
using Qos.TrafficManager.Packets;
using Qos.TrafficManager.Scheduling;

namespace Qos.TrafficManager.Tests;

/// <summary>Locks in the sizes the scheduler's memory layout is designed around.</summary>
[TestFixture]
public sealed class LayoutTests
{
    [Test]
    public void A_packet_descriptor_is_16_bytes()
    {
        Assert.That(Unsafe.SizeOf<Packet>(), Is.EqualTo(16), "four descriptors per cache line, copied by value");
    }

    [Test]
    public void Queue_positions_of_a_pipe_fill_one_cache_line()
    {
        Assert.That(Unsafe.SizeOf<QueuePositions>(), Is.EqualTo(64));
    }

    [Test]
    public void Pipe_state_is_three_cache_lines()
    {
        Assert.That(Unsafe.SizeOf<PipeState>(), Is.EqualTo(192), "prefetched as three lines when a grinder takes the pipe");
    }

    [Test]
    public void A_descriptor_keeps_its_path_handle_length_and_colour()
    {
        var p = Packet.Create(ulong.MaxValue - 5, 1522, 4095, 65535, 12, 3, Qos.Shaping.Congestion.PacketColor.Red);
        Assert.That((p.Handle, p.Length, p.Subport, p.Pipe, p.TrafficClass, p.BestEffortQueue, p.Color),
            Is.EqualTo((ulong.MaxValue - 5, 1522, 4095, 65535, 12, 3, Qos.Shaping.Congestion.PacketColor.Red)));
        var moved = p.WithPath(1, 2, 5);
        Assert.That((moved.Handle, moved.Subport, moved.Pipe, moved.TrafficClass, moved.QueueIndex), Is.EqualTo((p.Handle, 1, 2, 5, 5)));
    }
}
