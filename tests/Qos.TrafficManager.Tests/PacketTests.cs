using System;
using NUnit.Framework;
using Qos.Shaping.Congestion;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Packets;

namespace Qos.TrafficManager.Tests;

/// <summary>A descriptor holds exactly what it was given, or refuses it: nothing is truncated into a neighbouring field.</summary>
[TestFixture]
public sealed class PacketTests
{
    [TestCase(ushort.MaxValue, 4095, 65535, 12, 3, PacketColor.Red)]
    [TestCase(0, 0, 0, 0, 0, PacketColor.Green)]
    [TestCase(1, 4095, 0, 11, 0, PacketColor.Yellow)]
    [TestCase(1522, 0, 65535, 12, 0, PacketColor.Green)]
    public void The_largest_and_smallest_valid_values_round_trip_exactly(int length, int subport, int pipe, int tc, int queue, PacketColor color)
    {
        var p = Packet.Create(ulong.MaxValue, length, subport, pipe, tc, queue, color);
        Assert.That((p.Handle, p.Length, p.Subport, p.Pipe, p.TrafficClass, p.BestEffortQueue, p.Color),
            Is.EqualTo((ulong.MaxValue, length, subport, pipe, tc, queue, color)), "every field reads back what was given");
    }

    [TestCase(65536, "length")]
    [TestCase(65636, "length")]
    [TestCase(-1, "length")]
    public void A_length_that_does_not_fit_16_bits_is_refused(int length, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Packet.Create(1, length, 0, 0, 0))!;
        AssertNames(e, name, length, "0..65535");
    }

    [TestCase(4096)]
    [TestCase(-1)]
    [TestCase(int.MaxValue)]
    public void A_subport_beyond_4095_is_refused(int subport)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Packet.Create(1, 100, subport, 0, 0))!;
        AssertNames(e, "subport", subport, "0..4095");
    }

    [TestCase(65536)]
    [TestCase(70000)]
    [TestCase(-1)]
    public void A_pipe_beyond_65535_is_refused(int pipe)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Packet.Create(1, 100, 0, pipe, 0))!;
        AssertNames(e, "pipe", pipe, "0..65535");
    }

    [TestCase(13)]
    [TestCase(15)]
    [TestCase(-1)]
    public void A_traffic_class_beyond_12_is_refused(int tc)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Packet.Create(1, 100, 0, 0, tc))!;
        AssertNames(e, "trafficClass", tc, "0..12");
    }

    [TestCase(12, 4, "0..3")]
    [TestCase(12, -1, "0..3")]
    [TestCase(3, 1, "0 for classes 0..11")]
    public void A_queue_the_class_does_not_have_is_refused(int tc, int queue, string range)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Packet.Create(1, 100, 0, 8, tc, queue))!;
        AssertNames(e, "queue", queue, range);
    }

    [Test]
    public void A_colour_other_than_green_yellow_or_red_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Packet.Create(1, 100, 0, 0, 0, 0, (PacketColor)3))!;
        AssertNames(e, "color", 3, "Green, Yellow or Red");
    }

    [Test]
    public void WithPath_refuses_what_Create_refuses_and_keeps_the_rest()
    {
        var p = Packet.Create(7, 1500, 1, 2, 12, 1, PacketColor.Yellow);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => p.WithPath(4096, 0, 0))!.ParamName, Is.EqualTo("subport"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => p.WithPath(0, 70000, 0))!.ParamName, Is.EqualTo("pipe"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => p.WithPath(0, 0, 13))!.ParamName, Is.EqualTo("trafficClass"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => p.WithPath(0, 8, 12, 4))!.ParamName, Is.EqualTo("queue"));
        var moved = p.WithPath(4095, 65535, 12, 3);
        Assert.That((moved.Handle, moved.Length, moved.Color, moved.Subport, moved.Pipe, moved.TrafficClass, moved.BestEffortQueue),
            Is.EqualTo((7UL, 1500, PacketColor.Yellow, 4095, 65535, 12, 3)), "a new path keeps handle, length and colour");
    }

    [Test]
    public void A_classified_path_refuses_a_length_that_does_not_fit()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => default(ClassifiedPath).ToPacket(1, 65636))!;
        AssertNames(e, "length", 65636, "0..65535");
        Assert.That(default(ClassifiedPath).ToPacket(1, 65535).Length, Is.EqualTo(65535), "the largest length fits");
    }

    private static void AssertNames(ArgumentOutOfRangeException e, string parameter, int value, string range)
    {
        Assert.That(e.ParamName, Is.EqualTo(parameter), "the exception names the argument");
        Assert.That(e.ActualValue, Is.EqualTo(value), "the exception carries the refused value");
        Assert.That(e.Message, Does.Contain(value.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain(range), "the message gives the value and the allowed range");
    }
}
