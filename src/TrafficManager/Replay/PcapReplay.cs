using System;
using System.Diagnostics;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// What would this profile do to this capture? Classifies each frame of a pcap file, replays the frames through the
/// port scheduler in virtual time (as <see cref="TraceReplay"/> does for a CSV trace) and writes the transmitted
/// frames, unchanged, to a nanosecond pcap stamped with the time their first bit goes on the line.
/// </summary>
/// <remarks>
/// <para>Input: classic pcap, microsecond or nanosecond, either byte order, Ethernet. A frame arrives at its capture
/// time; times count from the first record, and output stamps are that first timestamp plus the departure time, so
/// both files share a time base. A frame's scheduler length is its original (wire) length, which pcap gives without
/// the FCS: the profile's frame overhead (24 bytes by default) covers FCS, preamble and gap.</para>
/// <para>Both files stream: memory holds the frames queued in the scheduler at a time, not the capture.</para>
/// </remarks>
public static class PcapReplay
{
    /// <summary>Replays <paramref name="capture"/> under <paramref name="profile"/>, writing the transmitted frames to <paramref name="departures"/>.</summary>
    /// <param name="profile">The port configuration; its transmit lead is ignored.</param>
    /// <param name="classifier">Turns frames into paths; made for <paramref name="profile"/> (<see cref="Classifier.Create"/>). Its stats count the capture's frames.</param>
    /// <param name="capture">The input pcap, read once from start to end.</param>
    /// <param name="departures">Where the output pcap goes.</param>
    /// <param name="options">Replay settings; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels reading and writing.</param>
    /// <returns>Offered, sent and dropped per class, per subport and in total, and the virtual duration.</returns>
    /// <exception cref="PcapException">The capture is truncated or corrupt, a frame is longer than the MTU, or times go back; the message gives the byte offset.</exception>
    public static async Task<ReplaySummary> RunAsync(
        PortConfig profile, Classifier classifier, Stream capture, Stream departures, ReplayOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(departures);
        var config = ReplayEngine.LineConfig(profile);
        // Why leaveOpen: the streams are the caller's.
        var input = PipeReader.Create(capture, new StreamPipeReaderOptions(bufferSize: 1 << 16, leaveOpen: true));
        await using var reader = await PcapReader.OpenAsync(input, cancellationToken).ConfigureAwait(false);
        int snapLength = (int)Math.Clamp(reader.SnapLength, 1, PcapFormat.MaxRecordLength);
        await using var writer = PcapWriter.Create(PipeWriter.Create(departures, new StreamPipeWriterOptions(leaveOpen: true)), null, snapLength);
        var store = new FrameStore();
        var source = new PcapSource(reader, classifier, config, store, cancellationToken);
        var sink = new PcapSink(writer, store, source, cancellationToken);
        var summary = await ReplayEngine.RunAsync(config, source, sink, options ?? new ReplayOptions()).ConfigureAwait(false);
        Debug.Assert(store.Count == 0, "conservation: every frame was written or dropped");
        summary.Classifier = classifier.ReadStats();
        return summary;
    }
}
