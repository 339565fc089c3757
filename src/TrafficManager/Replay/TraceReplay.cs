using System.IO;
using Qos.TrafficManager.Configuration;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// What would this profile do to this traffic? Replays a trace of arrivals through the port scheduler in virtual
/// time and writes the departures.
/// </summary>
/// <remarks>
/// <para>Input CSV: a header, then one packet per line: <c>time_ns,length,subport,pipe,tc,queue</c> and optionally
/// <c>color</c> (green/yellow/red or 0/1/2; green when absent). <c>length</c> is the frame length without the frame
/// overhead; <c>queue</c> is 0..3 in class 12 and 0 otherwise; times must not decrease.</para>
/// <para>Output CSV: <c>depart_ns,length,subport,pipe,tc,queue</c>, one row per transmitted packet in transmit order;
/// <c>depart_ns</c> is when its first bit goes on the line. The port transmits at the profile's rate, each packet
/// occupying <c>length + frame overhead</c> bytes of line time; the scheduler is asked for a packet only when the line
/// can take one.</para>
/// <para>Both files stream through fixed buffers: memory does not grow with the trace.</para>
/// </remarks>
public static class TraceReplay
{
    /// <summary>Replays <paramref name="trace"/> under <paramref name="profile"/>, writing the departures CSV to <paramref name="departures"/>.</summary>
    /// <param name="profile">The port configuration (from <see cref="Profiles.ProfileLoader"/>, say); its transmit lead is ignored.</param>
    /// <param name="trace">The input CSV, read once from start to end.</param>
    /// <param name="departures">Where the output CSV goes.</param>
    /// <param name="options">Replay settings; the defaults when null.</param>
    /// <returns>Offered, sent and dropped per class, per subport and in total, and the virtual duration.</returns>
    /// <exception cref="TraceException">The trace is malformed; nothing is skipped.</exception>
    /// <exception cref="ConfigurationException">The profile is invalid.</exception>
    public static ReplaySummary Run(PortConfig profile, Stream trace, Stream departures, ReplayOptions? options = null)
    {
        System.ArgumentNullException.ThrowIfNull(profile);
        System.ArgumentNullException.ThrowIfNull(trace);
        System.ArgumentNullException.ThrowIfNull(departures);
        return ReplayEngine.Run(profile, trace, departures, options ?? new ReplayOptions());
    }
}
