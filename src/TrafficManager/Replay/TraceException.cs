using System;

namespace Qos.TrafficManager.Replay;

/// <summary>
/// A trace could not be replayed: a bad header, a malformed or out-of-range field, a path outside the hierarchy, or
/// time going backwards. <see cref="LineNumber"/> is the 1-based line of the trace; the message reads
/// <c>line 7: time_ns 100 is earlier than 250 on the line before</c>.
/// </summary>
public sealed class TraceException : Exception
{
    /// <summary>Creates the exception for <paramref name="lineNumber"/>.</summary>
    /// <param name="lineNumber">1-based line of the trace (the header is line 1).</param>
    /// <param name="detail">What is wrong with it.</param>
    public TraceException(long lineNumber, string detail)
        : base($"line {lineNumber}: {detail}")
    {
        LineNumber = lineNumber;
        Detail = detail;
    }

    /// <summary>1-based line of the trace (the header is line 1).</summary>
    public long LineNumber { get; }

    /// <summary>What is wrong with the line.</summary>
    public string Detail { get; }
}
