using System;
using System.IO;
using System.Threading.Tasks;
using NUnit.Framework;
using Qos.TrafficManager.Pipeline;
using Qos.TrafficManager.Replay;

namespace Qos.TrafficManager.Tests.Pipeline;

[TestFixture]
public sealed class FrameSourceTests
{
    [Test]
    public async Task A_capture_source_loops_the_capture_in_file_order_and_stops_at_its_count()
    {
        string path = Path.Combine(Path.GetTempPath(), $"qos-source-{Guid.NewGuid():N}.pcap");
        try
        {
            await using (var file = File.Create(path))
            {
                using var writer = PcapWriter.Create(file);
                for (int i = 0; i < 3; i++)
                {
                    var frame = new byte[60 + i];
                    frame[0] = (byte)(i + 1);
                    writer.Write(i * 1000, frame);
                }
            }

            var capture = await CapturedFrames.LoadAsync(path, 1522);
            Assert.That(capture.Count, Is.EqualTo(3));
            var source = new CaptureFrameSource(capture, 0, count: 7);
            using var pool = new FramePool(16);
            var frames = new int[16];
            int n = source.Receive(pool, frames, 0);
            Assert.That(n, Is.EqualTo(7), "an unpaced source gives its whole count at once");
            Assert.That(source.Completed, Is.True);
            for (int i = 0; i < n; i++)
            {
                Assert.That(pool.Data(frames[i]).Length, Is.EqualTo(60 + (i % 3)), $"frame {i} is capture frame {i % 3}");
                Assert.That(pool.Data(frames[i])[0], Is.EqualTo((byte)((i % 3) + 1)), $"frame {i} holds capture frame {i % 3}'s bytes");
            }

            Assert.That(source.Receive(pool, frames, 0), Is.Zero, "nothing after the count");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void A_paced_source_offers_its_rate_and_counts_frames_missed_for_want_of_a_buffer()
    {
        // 1000 bytes per microsecond of wire; 64-byte frames cost 88 bytes with the overhead.
        var source = new SyntheticFrameSource(new SyntheticFlows(4, 4, 0, [64], 1), 1_000_000_000, frameOverhead: 24);
        using var pool = new FramePool(8);
        var frames = new int[64];
        Assert.That(source.Receive(pool, frames, 0), Is.Zero, "nothing is due at time 0");
        int n = source.Receive(pool, frames, 1000);
        Assert.That(n, Is.EqualTo(8), "the pool's 8 frames are filled");
        Assert.That(source.Offered, Is.EqualTo(12), "1000 bytes of wire time hold 12 frames of 88 (the twelfth starts before 1000)");
        Assert.That(source.NoBufferDrops, Is.EqualTo(4), "the 4 frames due with the pool empty are missed and counted");
    }
}
