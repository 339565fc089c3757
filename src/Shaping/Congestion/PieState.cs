using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Qos.Shaping.Congestion;

/// <summary>
/// The per-queue state of PIE (RFC 8033, Proportional Integral controller Enhanced): the drop probability, the
/// queueing delay at the last update, the burst allowance, the measured departure rate and the bytes queued.
/// <c>default</c> is a fresh queue: its first <see cref="ShouldDrop"/> starts the update clock and grants the
/// full burst allowance.
/// </summary>
/// <remarks>
/// <para><b>Delay.</b> The queueing delay is estimated by Little's law, <c>queue bytes / departure rate</c>. The
/// departure rate is measured in bytes dequeued per byte of line time (1.0 = the full port rate), so the delay
/// comes out in bytes of line time. A measurement cycle starts at a dequeue that leaves at least
/// <see cref="DequeueThresholdBytes"/> queued and ends at the first dequeue that has counted that many bytes
/// after it (RFC 8033 section 4.2); each sample is smoothed into the estimate with weight 1/8. Until the first
/// cycle completes the delay is taken as 0.</para>
/// <para><b>Update.</b> At the first arrival at or after the next update time the controller runs once:
/// <c>p = alpha × (delay − ref) + beta × (delay − previous delay)</c>, scaled down while the probability is small
/// (RFC 8033 auto-tuning), capped at +2% once the probability is at least 10%, decayed by 0.98 when both delays
/// are 0, clamped to [0, 1]. The burst allowance shrinks by one interval and is restored to the maximum when the
/// probability is 0 and both delays are below half the reference. The next update is re-anchored one interval
/// after this one. Why once rather than once per elapsed interval: between arrivals nothing new is measured, so
/// catching up would replay the same sample; an idle queue reports delay 0 at its next arrival and decays from there.</para>
/// <para><b>Enqueue.</b> Drop at the tail threshold; otherwise accept while burst allowance remains, while the last
/// delay is below half the reference and the probability below 0.2, or while fewer than
/// <see cref="SmallQueueBytes"/> are queued; otherwise drop with the probability.</para>
/// </remarks>
public struct PieState
{
    /// <summary>Bytes a departure-rate measurement cycle must cover (RFC 8033 DQ_THRESHOLD: 16 KiB).</summary>
    public const int DequeueThresholdBytes = 16 * 1024;

    /// <summary>A queue with fewer bytes than this (two 1500-byte packets) is never dropped from early.</summary>
    public const int SmallQueueBytes = 2 * 1500;

    private const double ProbabilityCap = 0.1;
    private const double MaxStepAboveCap = 0.02;
    private const double IdleDecay = 0.98;
    private const double SafeProbability = 0.2;
    private const double RateSmoothing = 0.125;
    private const double TwoTo32 = 4294967296.0;
    private const long MaxDelay = long.MaxValue >> 2;

    private double _dropProbability;
    private long _previousDelay;
    private long _burstAllowance;
    private long _nextUpdate;
    private long _queueBytes;
    private double _departureRate;
    private bool _measuring;
    private long _measureStart;
    private long _measuredBytes;

    /// <summary>Current drop probability, 0..1.</summary>
    public readonly double DropProbability => _dropProbability;

    /// <summary>Current queueing delay estimate, in bytes of line time: queued bytes / measured departure rate (0 before the first measurement).</summary>
    public readonly long QueueDelay
    {
        get
        {
            if (_departureRate <= 0)
            {
                return 0;
            }

            double delay = _queueBytes / _departureRate;
            return delay < MaxDelay ? (long)delay : MaxDelay;
        }
    }

    /// <summary>Bytes currently queued, as reported by <see cref="OnEnqueue"/> and <see cref="OnDequeue"/>.</summary>
    public readonly long QueueBytes => _queueBytes;

    /// <summary>Remaining burst allowance, in bytes of line time: while positive, nothing is dropped early.</summary>
    public readonly long BurstAllowance => _burstAllowance;

    /// <summary>Measured departure rate in bytes per byte of line time (1.0 = port rate); 0 before the first measurement.</summary>
    internal readonly double DepartureRate => _departureRate;

    /// <summary>Runs the periodic update if it is due, then decides whether to drop an arriving packet.</summary>
    /// <param name="parameters">The queue's PIE parameters.</param>
    /// <param name="queueLengthPackets">Packets in the queue before this one.</param>
    /// <param name="now">Arrival time in bytes of line time.</param>
    /// <param name="random">A uniform random number: an early drop happens when <c>random &lt; probability × 2^32</c>.</param>
    /// <returns>True to drop the packet; when false the caller enqueues it and calls <see cref="OnEnqueue"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ShouldDrop(in PieParameters parameters, int queueLengthPackets, long now, uint random)
    {
        if (now - _nextUpdate >= 0)
        {
            Update(parameters, now);
        }

        if (queueLengthPackets >= parameters.TailDropThreshold)
        {
            return true;
        }

        if (_burstAllowance > 0 || _queueBytes < SmallQueueBytes)
        {
            return false;
        }

        if (_previousDelay < parameters.QueueDelayReference / 2 && _dropProbability < SafeProbability)
        {
            return false;
        }

        return random < _dropProbability * TwoTo32;
    }

    /// <summary>Counts an accepted packet of <paramref name="bytes"/> into the queue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnEnqueue(int bytes)
    {
        Debug.Assert(bytes > 0, "a packet has a positive length");
        _queueBytes += bytes;
    }

    /// <summary>Removes a departing packet of <paramref name="bytes"/> and feeds the departure-rate measurement.</summary>
    /// <param name="bytes">The same length the packet was enqueued with.</param>
    /// <param name="now">Departure time in bytes of line time.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnDequeue(int bytes, long now)
    {
        Debug.Assert(bytes > 0, "a packet has a positive length");
        Debug.Assert(bytes <= _queueBytes, "only bytes that were enqueued can leave: queue bytes never go negative");
        _queueBytes -= bytes;
        if (_measuring)
        {
            _measuredBytes += bytes;
            if (_measuredBytes >= DequeueThresholdBytes)
            {
                EndMeasurement(now);
            }
        }
        else if (_queueBytes >= DequeueThresholdBytes)
        {
            // Why not count this packet: the cycle's clock starts at its departure, so only bytes that leave after it belong to the cycle.
            StartMeasurement(now);
        }
    }

    private void StartMeasurement(long now)
    {
        _measuring = true;
        _measureStart = now;
        _measuredBytes = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EndMeasurement(long now)
    {
        long elapsed = now - _measureStart;
        Debug.Assert(elapsed >= 0, "time never goes backwards");
        if (elapsed == 0)
        {
            // Why: a burst dequeued at one instant says nothing about the rate; keep counting until time moves.
            return;
        }

        double sample = (double)_measuredBytes / elapsed;
        _departureRate = _departureRate > 0 ? _departureRate + (RateSmoothing * (sample - _departureRate)) : sample;
        if (_queueBytes >= DequeueThresholdBytes)
        {
            StartMeasurement(now);
        }
        else
        {
            _measuring = false;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Update(in PieParameters parameters, long now)
    {
        Debug.Assert(parameters.UpdateInterval > 0, "parameters come from the validating constructor");
        long delay = QueueDelay;
        double step = (parameters.AlphaPerByte * (delay - parameters.QueueDelayReference))
            + (parameters.BetaPerByte * (delay - _previousDelay));
        double probability = _dropProbability;
        step *= AutoTuneScale(probability);
        if (probability >= ProbabilityCap && step > MaxStepAboveCap)
        {
            step = MaxStepAboveCap;
        }

        probability += step;
        if (delay == 0 && _previousDelay == 0)
        {
            probability *= IdleDecay;
        }

        _dropProbability = Math.Clamp(probability, 0.0, 1.0);

        long half = parameters.QueueDelayReference / 2;
        _burstAllowance = Math.Max(0, _burstAllowance - parameters.UpdateInterval);
        if (_dropProbability == 0 && delay < half && _previousDelay < half)
        {
            _burstAllowance = parameters.MaxBurst;
        }

        _previousDelay = delay;
        _nextUpdate = now + parameters.UpdateInterval;
    }

    /// <summary>RFC 8033 auto-tuning: small probabilities move in small steps, so light congestion is not overcorrected.</summary>
    private static double AutoTuneScale(double probability) => probability switch
    {
        < 0.000001 => 1.0 / 2048,
        < 0.00001 => 1.0 / 512,
        < 0.0001 => 1.0 / 128,
        < 0.001 => 1.0 / 32,
        < 0.01 => 1.0 / 8,
        < 0.1 => 1.0 / 2,
        _ => 1.0,
    };
}
