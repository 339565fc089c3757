using System;
using Qos.TrafficManager.Packets;

namespace Qos.Perf.LineRate;

/// <summary>
/// Offers <c>load</c> × line rate from a source: at each call, packets (with their frame overhead) until the line
/// time they cost catches up with load × the line time elapsed since <see cref="Start"/>.
/// </summary>
internal sealed class LoadPacer
{
    private readonly IPacketSource _source;
    private readonly double _load;
    private readonly int _overhead;
    private long _origin;
    private double _offeredCost;

    public LoadPacer(IPacketSource source, double load, int overhead)
    {
        _source = source;
        _load = load;
        _overhead = overhead;
    }

    /// <summary>Starts the offer at <paramref name="now"/> (bytes of line time).</summary>
    public void Start(long now) => _origin = now;

    /// <summary>Fills <paramref name="into"/> with what is due at <paramref name="now"/>, up to its length; returns how many.</summary>
    public int Fill(Span<Packet> into, long now)
    {
        double due = _load * (now - _origin);
        int k = 0;
        while (k < into.Length && _offeredCost < due)
        {
            var p = _source.Next(now);
            into[k++] = p;
            _offeredCost += p.Length + _overhead;
        }

        return k;
    }
}
