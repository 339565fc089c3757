using System;
using Qos.EventCore.Migration;

namespace Qos.EventCore;

/// <summary>Stop: every event the port holds goes to the flush callback.</summary>
public sealed partial class EventPort
{
    /// <summary>With no thread inside any port: hands every held event to <paramref name="flush"/>; returns the count.</summary>
    internal long Drain(Action<Event>? flush)
    {
        long count = 0;
        for (int p = 0; p < _outLengths.Length; p++)
        {
            count += Flush(_out.AsSpan(p * _outSize, _outLengths[p]), flush);
            _outLengths[p] = 0;
        }

        count += Flush(_paused.AsSpan(0, _pausedLength), flush);
        _pausedLength = 0;
        count += Flush(_inBuffer.AsSpan(_inBufferStart, _inBufferLength), flush);
        _inBufferStart = 0;
        _inBufferLength = 0;
        int n;
        while ((n = _inRing.Dequeue(_forwardScratch)) != 0)
        {
            count += Flush(_forwardScratch.AsSpan(0, n), flush);
        }

        while (_controlRing.TryDequeue(out ControlMessage _))
        {
        }

        return count;
    }

    private static int Flush(ReadOnlySpan<Event> events, Action<Event>? flush)
    {
        if (flush is not null)
        {
            foreach (Event e in events)
            {
                flush(e);
            }
        }

        return events.Length;
    }
}
