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

    private readonly LoadPacer _pacer;
    private readonly StopwatchByteClock _clock;
    private readonly Thread _thread;
    private volatile bool _stop;

    /// <param name="source">Owned by the stage's thread from <see cref="Start"/> until <see cref="Stop"/>.</param>
    /// <param name="rate">The port rate, bytes per second.</param>
    /// <param name="overhead">Frame overhead per packet, bytes.</param>
    /// <param name="load">Offered share of the line rate.</param>
    /// <param name="ringSize">Ring capacity in packets (a power of two).</param>
    public RxStage(IPacketSource source, long rate, int overhead, double load, int ringSize)
    {
        _pacer = new LoadPacer(source, load, overhead);
        // Why a clock of its own: a byte clock is not thread-safe; both count from their creation, microseconds apart.
        _clock = new StopwatchByteClock(rate);
        Ring = new MpscRing<Packet>(ringSize);
        _thread = new Thread(Run) { IsBackground = true, Name = "qos-rx" };
    }

    /// <summary>Packets received and not yet taken by the scheduler's thread.</summary>
    public MpscRing<Packet> Ring { get; }

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
        _pacer.Start(_clock.Now());
        while (!_stop)
        {
            int k = _pacer.Fill(burst, _clock.Now());
            if (k == 0)
            {
                Thread.SpinWait(8);
                continue;
            }

            while (!Ring.TryEnqueue(burst.AsSpan(0, k)) && !_stop)
            {
                Thread.SpinWait(16);
            }
        }
    }
}
