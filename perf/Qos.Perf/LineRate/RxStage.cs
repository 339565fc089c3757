using System;
using System.Threading;
using Qos.EventCore.Rings;
using Qos.Shaping.Clock;
using Qos.TrafficManager.Packets;

namespace Qos.Perf.LineRate;

/// <summary>
/// The receive side on a thread of its own, as DPDK's qos_sched splits RX from the scheduler core: it offers
/// <c>load</c> × line rate from the source (classifying a capture's frames there) into a ring that the scheduler's
/// thread drains. When the ring is full the thread waits, so what reaches the scheduler is what it could take.
/// </summary>
internal sealed class RxStage : IDisposable
{
    private const int Burst = 64;

    private readonly IPacketSource _source;
    private readonly StopwatchByteClock _clock;
    private readonly double _load;
    private readonly int _overhead;
    private readonly Thread _thread;
    private volatile bool _stop;

    /// <param name="source">Owned by the stage's thread from <see cref="Start"/> until <see cref="Stop"/>.</param>
    /// <param name="rate">The port rate, bytes per second.</param>
    /// <param name="overhead">Frame overhead per packet, bytes.</param>
    /// <param name="load">Offered share of the line rate.</param>
    /// <param name="ringSize">Ring capacity in packets (a power of two).</param>
    public RxStage(IPacketSource source, long rate, int overhead, double load, int ringSize)
    {
        _source = source;
        // Why a clock of its own: a byte clock is not thread-safe; both count from their creation, microseconds apart.
        _clock = new StopwatchByteClock(rate);
        _load = load;
        _overhead = overhead;
        Ring = new MpscRing<Packet>(ringSize);
        _thread = new Thread(Run) { IsBackground = true, Name = "qos-rx" };
    }

    /// <summary>Packets received and not yet taken by the scheduler's thread.</summary>
    public MpscRing<Packet> Ring { get; }

    /// <summary>Times the thread found the ring full and waited.</summary>
    public long RingFullWaits { get; private set; }

    public void Start() => _thread.Start();

    /// <summary>Stops the thread and waits for it; the source is the caller's again.</summary>
    public void Stop()
    {
        _stop = true;
        if (_thread.IsAlive)
        {
            _thread.Join();
        }
    }

    public void Dispose() => Stop();

    private void Run()
    {
        var burst = new Packet[Burst];
        long origin = _clock.Now();
        double offeredCost = 0;
        long waits = 0;
        while (!_stop)
        {
            long now = _clock.Now();
            double due = _load * (now - origin);
            int k = 0;
            while (offeredCost < due && k < Burst)
            {
                var p = _source.Next(now);
                burst[k++] = p;
                offeredCost += p.Length + _overhead;
            }

            if (k == 0)
            {
                Thread.SpinWait(8);
                continue;
            }

            while (!Ring.TryEnqueue(burst.AsSpan(0, k)))
            {
                waits++;
                if (_stop)
                {
                    break;
                }

                Thread.SpinWait(16);
            }
        }

        RingFullWaits = waits;
    }
}
