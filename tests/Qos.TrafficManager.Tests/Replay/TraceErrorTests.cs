using System.IO;
using System.Text;
using NUnit.Framework;
using Qos.TrafficManager.Profiles;
using Qos.TrafficManager.Replay;
using static Qos.TrafficManager.Tests.Replay.ReplayProfiles;

namespace Qos.TrafficManager.Tests.Replay;

/// <summary>Every class of malformed trace is refused with its line number; nothing is skipped.</summary>
[TestFixture]
public sealed class TraceErrorTests
{
    private const string Header = "time_ns,length,subport,pipe,tc,queue\n";
    private const string Good = "0,100,0,0,0,0\n";

    // One subport of 2 pipes; class 5 is turned off.
    private static readonly string _profile = Port(pipes: 2, queueSizes: "[64, 64, 64, 64, 64, 0, 64, 64, 64, 64, 64, 64, 64]");

    [TestCase("time,length,subport,pipe,tc,queue\n" + Good, 1, "bad header 'time,length,subport,pipe,tc,queue': unknown column 'time'", TestName = "Bad header: unknown column")]
    [TestCase("time_ns,length,subport,pipe,tc\n" + Good, 1, "column 'queue' is missing", TestName = "Bad header: missing column")]
    [TestCase("time_ns,length,subport,pipe,tc,queue,queue\n" + Good, 1, "column 'queue' appears twice", TestName = "Bad header: duplicate column")]
    [TestCase("", 1, "the trace is empty", TestName = "Bad header: empty trace")]
    [TestCase(Header + Good + "10,abc,0,0,0,0\n", 3, "length 'abc' is not a whole number", TestName = "Non-numeric field")]
    [TestCase(Header + "-5,100,0,0,0,0\n", 2, "time_ns '-5' is not a whole number", TestName = "Negative time")]
    [TestCase(Header + "1.5,100,0,0,0,0\n", 2, "time_ns '1.5' is not a whole number", TestName = "Fractional time")]
    [TestCase(Header + "0,100,0,0,0\n", 2, "5 fields where the header has 6", TestName = "Too few fields")]
    [TestCase(Header + "0,100,0,0,0,0,0\n", 2, "more than the header's 6 fields", TestName = "Too many fields")]
    [TestCase(Header + Good + "\n" + Good, 3, "empty line", TestName = "Empty line")]
    [TestCase(Header + "0,100,1,0,0,0\n", 2, "subport 1 is outside the hierarchy: the profile has 1 subport(s)", TestName = "Path: subport")]
    [TestCase(Header + Good + Good + "0,100,0,2,0,0\n", 4, "pipe 2 is outside the hierarchy: subport 0 has 2 pipes", TestName = "Path: pipe")]
    [TestCase(Header + "0,100,0,0,13,0\n", 2, "tc 13 is outside the hierarchy", TestName = "Path: class")]
    [TestCase(Header + "0,100,0,0,3,1\n", 2, "queue 1 is outside the hierarchy: class 3 has one queue", TestName = "Path: queue of a strict class")]
    [TestCase(Header + "0,100,0,0,12,4\n", 2, "queue 4 is outside the hierarchy: class 12 has queues 0..3", TestName = "Path: best-effort queue")]
    [TestCase(Header + "0,100,0,0,5,0\n", 2, "tc 5 is turned off in subport 0", TestName = "Path: disabled class")]
    [TestCase(Header + "0,0,0,0,0,0\n", 2, "length 0 must be 1..1522", TestName = "Length zero")]
    [TestCase(Header + "0,1523,0,0,0,0\n", 2, "length 1523 must be 1..1522", TestName = "Length above the MTU")]
    [TestCase(Header + "100,100,0,0,0,0\n" + "100,100,0,0,0,0\n" + "50,100,0,0,0,0\n", 4, "time_ns 50 is earlier than 100 on the line before", TestName = "Time going backwards")]
    [TestCase("time_ns,length,subport,pipe,tc,queue,color\n0,100,0,0,12,0,green\n0,100,0,0,12,0,blue\n", 3, "color 'blue' must be green, yellow or red (or 0, 1, 2)", TestName = "Bad colour")]
    [TestCase("time_ns,length,subport,pipe,tc,queue,color\n0,100,0,0,12,0,3\n", 2, "color '3' must be green", TestName = "Bad colour number")]
    public void A_malformed_trace_is_refused_with_its_line_number(string trace, int line, string detail)
    {
        var config = ProfileLoader.Parse(_profile);
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(trace));

        var e = Assert.Throws<TraceException>(() => TraceReplay.Run(config, input, Stream.Null))!;

        Assert.That(e.LineNumber, Is.EqualTo(line), e.Message);
        Assert.That(e.Message, Does.StartWith($"line {line}: "));
        Assert.That(e.Detail, Does.Contain(detail));
    }

    [Test]
    public void Columns_may_come_in_any_order_with_crlf_line_ends_and_numeric_colours()
    {
        var config = ProfileLoader.Parse(_profile);
        string trace = "\uFEFFqueue, tc ,pipe,subport,length,time_ns,color\r\n2,12,1,0,100,0,2\r\n0,0,0,0,200,5,0";
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(trace));
        using var output = new MemoryStream();

        var summary = TraceReplay.Run(config, input, output);

        Assert.That(summary.Total.Sent.Packets, Is.EqualTo(2), "both rows, the last one without a final newline");
        Assert.That(Encoding.UTF8.GetString(output.ToArray()), Is.EqualTo("depart_ns,length,subport,pipe,tc,queue\n0,100,0,1,12,2\n9920,200,0,0,0,0\n"));
    }
}
