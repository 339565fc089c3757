using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;
using Qos.TrafficManager.Replay;

namespace Qos.TrafficManager.Tests.Replay;

[TestFixture]
public sealed class PcapWriterTests
{
    private static byte[] Frame(int i) => [.. Enumerable.Range(0, 60 + (i % 1400)).Select(b => (byte)(b + i))];

    [TestCase(true, false)]
    [TestCase(false, true)]
    public async Task Writing_without_awaiting_gives_the_same_file_as_writing_async(bool nanosecond, bool bigEndian)
    {
        var format = new PcapFormat(nanosecond, bigEndian);
        using var async = new MemoryStream();
        await using (var writer = PcapWriter.Create(async, format))
        {
            for (int i = 0; i < 200; i++)
            {
                await writer.WriteAsync(1_700_000_000_000_000_000 + (i * 1234L), Frame(i), Frame(i).Length + (i % 3));
            }
        }

        using var sync = new MemoryStream();
        using (var writer = PcapWriter.Create(sync, format))
        {
            for (int i = 0; i < 200; i++)
            {
                writer.Write(1_700_000_000_000_000_000 + (i * 1234L), Frame(i), Frame(i).Length + (i % 3));
            }
        }

        Assert.That(sync.ToArray(), Is.EqualTo(async.ToArray()), "both paths write the same records byte for byte");
    }
}
