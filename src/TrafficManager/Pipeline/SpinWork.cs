using System.Diagnostics;

namespace Qos.TrafficManager.Pipeline;

/// <summary>Work that spins for a fixed time per frame and forwards it: a stand-in for an application's processing
/// in measurements. Worker 0 may be made slower by a factor (skew), so that flows must migrate off it.</summary>
public readonly struct SpinWork : IPacketWork
{
    private readonly long _ticks;
    private readonly long _ticksOnWorker0;

    /// <param name="nanoseconds">Time to spin per frame.</param>
    /// <param name="worker0Factor">Worker 0 spins this many times longer (1: no skew).</param>
    public SpinWork(long nanoseconds, double worker0Factor = 1)
    {
        _ticks = (long)(nanoseconds * (double)Stopwatch.Frequency / 1e9);
        _ticksOnWorker0 = (long)(_ticks * worker0Factor);
    }

    /// <inheritdoc />
    public WorkVerdict Process(ref PacketContext context)
    {
        long ticks = context.Worker == 0 ? _ticksOnWorker0 : _ticks;
        if (ticks == 0)
        {
            return WorkVerdict.Forward;
        }

        long until = Stopwatch.GetTimestamp() + ticks;
        while (Stopwatch.GetTimestamp() < until)
        {
        }

        return WorkVerdict.Forward;
    }
}
