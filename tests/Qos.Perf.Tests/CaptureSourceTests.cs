using System;
using System.IO;
using System.Threading.Tasks;
using NUnit.Framework;
using Qos.Perf.Capture;
using Qos.Perf.Cli;
using Qos.Perf.LineRate;
using Qos.Perf.Replay;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Profiles;
using Qos.TrafficManager.Replay;

namespace Qos.Perf.Tests;

/// <summary><c>capture</c> writes a pcap; <c>linerate --pcap</c> loops it through the profile's classifier.</summary>
[TestFixture]
public sealed class CaptureSourceTests
{
    private string _directory = null!;

    private static string Profile(string name)
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "qos.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("qos.sln"), "profiles", name);
    }

    private static (PortConfig Config, Classifier Classifier) TenGigabit()
    {
        var options = ProfileLoader.LoadOptions(Profile("10gbe.yaml"));
        var config = options.ToPortConfig();
        return (config, Classifier.Create(options.Classifier!, config));
    }

    private static (int, int, int, int, int, int) Shape(TrafficManager.Packets.Packet p) =>
        (p.Subport, p.Pipe, p.TrafficClass, p.BestEffortQueue, (int)p.Color, p.Length);

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"qos-capture-{Environment.ProcessId}-{TestContext.CurrentContext.Test.ID}");
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task A_generated_capture_loops_through_the_classifier_in_file_order()
    {
        string file = Path.Combine(_directory, "c.pcap");
        Assert.That(CaptureCommand.Run(Arguments.Parse(["--out", file, "--count", "500", "--flows", "40", "--pipes", "64", "--frames", "imix"])), Is.Zero);
        var (config, classifier) = TenGigabit();
        var source = await CaptureSource.LoadAsync(file, config, classifier);
        Assert.That(source.FrameCount, Is.EqualTo(500));

        var first = new TrafficManager.Packets.Packet[500];
        for (int i = 0; i < 500; i++)
        {
            first[i] = source.Next(1000 + i);
            Assert.That(first[i].Handle, Is.EqualTo((ulong)(1000 + i)), "the handle is the arrival time, for latency");
            Assert.That(first[i].Pipe, Is.LessThan(64), "10.0.x.y with the pipe in the low bits, 64 pipes");
            Assert.That(first[i].Length, Is.AnyOf(64, 594, 1518));
        }

        for (int i = 0; i < 500; i++)
        {
            var again = source.Next(5000 + i);
            Assert.That(Shape(again), Is.EqualTo(Shape(first[i])), $"frame {i} comes round again with the same path and length");
        }

        var stats = classifier.ReadStats();
        Assert.That((stats.Frames, stats.Malformed), Is.EqualTo((1000L, 0L)), "each offer is classified; every generated frame parses");
        Assert.That((stats.Offload.Lookups, stats.SlowPath), Is.EqualTo((0L, 1000L)), "10gbe.yaml ships without the offload table: every frame is mapped");
    }

    [Test]
    public async Task A_frame_longer_than_the_mtu_is_refused_with_its_offset()
    {
        string file = Path.Combine(_directory, "big.pcap");
        await using (var stream = File.Create(file))
        await using (var writer = PcapWriter.Create(stream))
        {
            await writer.WriteAsync(0, new byte[100]);
            await writer.WriteAsync(1, new byte[2000]);
        }

        var (config, classifier) = TenGigabit();
        var e = Assert.ThrowsAsync<PcapException>(() => CaptureSource.LoadAsync(file, config, classifier));
        Assert.That(e!.Offset, Is.EqualTo(PcapFormat.GlobalHeaderLength + PcapFormat.RecordHeaderLength + 100 + 12));
        Assert.That(e.Message, Does.Contain("2000 bytes is outside 1..1522"));
    }

    [Test]
    public async Task An_empty_capture_is_refused()
    {
        string file = Path.Combine(_directory, "empty.pcap");
        await using (var stream = File.Create(file))
        await using (PcapWriter.Create(stream))
        {
        }

        var (config, classifier) = TenGigabit();
        Assert.That(() => CaptureSource.LoadAsync(file, config, classifier), Throws.TypeOf<PcapException>().With.Message.Contain("no frames"));
    }

    [Test]
    public void Pcap_and_synthetic_frame_options_do_not_mix() =>
        Assert.That(
            () => LineRateCommand.Run(Arguments.Parse(["--profile", Profile("10gbe.yaml"), "--pcap", "x.pcap", "--frames", "64"])),
            Throws.TypeOf<UsageException>().With.Message.Contain("leave out --frames"));

    [Test]
    public void A_capture_needs_a_profile_with_a_classifier_section()
    {
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            string file = Path.Combine(_directory, "c.pcap");
            CaptureCommand.Run(Arguments.Parse(["--out", file, "--count", "10"]));
            Assert.That(ReplayCommand.Run(Arguments.Parse(["--profile", Profile("25gbe.yaml"), "--pcap", file])), Is.EqualTo(1));
            Assert.That(LineRateCommand.Run(Arguments.Parse(["--profile", Profile("25gbe.yaml"), "--pcap", file])), Is.EqualTo(1));
        }
        finally
        {
            Console.SetError(saved);
        }

        Assert.That(error.ToString(), Does.Contain("classifier: is missing: --pcap needs the profile's classifier section"));
    }
}
