using System;
using System.Globalization;
using System.IO;
using Qos.Perf.Cli;
using Qos.Perf.LineRate;
using Qos.TrafficManager.Pipeline;
using Qos.TrafficManager.Replay;

namespace Qos.Perf.Capture;

/// <summary>
/// <c>capture --out FILE [--count N] [--frames imix|SIZE] [--flows N] [--pipes N] [--zipf S] [--gbps R] [--seed N]</c>:
/// writes a synthetic nanosecond pcap of IPv4/UDP flows (see <see cref="SyntheticFlows"/>) for <c>replay --pcap</c>
/// and <c>linerate --pcap</c>. Frames are spaced so that they offer <c>--gbps</c> on the wire, frame overhead included.
/// </summary>
public static class CaptureCommand
{
    private const long Epoch = 1_767_225_600_000_000_000; // 2026-01-01T00:00:00Z

    public static int Run(Arguments args)
    {
        string path = args.Text("out") ?? throw new UsageException("--out FILE.pcap is required");
        long count = args.Whole("count", 100_000, 1, 100_000_000);
        string frames = args.Text("frames") ?? "imix";
        int flows = (int)args.Whole("flows", 1000, 1, 16_777_216);
        int pipes = (int)args.Whole("pipes", 4096, 1, 65536);
        double zipf = args.Number("zipf", 0, 0, 4);
        double gbps = args.Number("gbps", 12, 0.001, 1000);
        uint seed = (uint)args.Whole("seed", 1, 0, uint.MaxValue);
        args.EnsureAllUsed();

        var source = new SyntheticFlows(flows, pipes, zipf, FrameMix.Parse(frames, 1518).Sizes, seed);
        double nanosecondsPerByte = 8 / gbps;
        var buffer = new byte[1518];
        double time = 0;
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var writer = PcapWriter.Create(file);
            for (long i = 0; i < count; i++)
            {
                int length = source.Next(buffer, out _);
                writer.WriteAsync(Epoch + (long)time, buffer.AsSpan(0, length)).AsTask().GetAwaiter().GetResult();
                time += (length + 24) * nanosecondsPerByte;
            }

            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: {count} frames ({frames}) over {flows} flows and {pipes} pipes, {time / 1e9:0.######} s at {gbps} Gb/s"));
        return 0;
    }
}
