using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Qos.Shaping.TrafficClasses;

/// <summary>
/// Per-class credits of one node, reset (not accumulated) to the profile's per-period credits at each
/// period boundary. Unused credit is lost at the boundary: a class cap is a ceiling per period, not a bucket.
/// </summary>
/// <remarks>
/// Boundaries stay on a grid of whole periods from the start while the node is refilled at least once a
/// period, so a late check does not stretch the period; after a longer idle gap the grid restarts at the
/// refill time.
/// </remarks>
public struct TrafficClassLimiter
{
    private TrafficClassValues _credits;
    private long _nextReset;

    /// <summary>A limiter with full credits whose first period starts at <paramref name="now"/>.</summary>
    public static TrafficClassLimiter Start(in TrafficClassProfile profile, long now)
    {
        var limiter = default(TrafficClassLimiter);
        limiter.Reset(profile, now);
        return limiter;
    }

    /// <summary>Time of the next period boundary, in bytes of line time.</summary>
    public readonly long NextReset => _nextReset;

    /// <summary>Bytes class <paramref name="trafficClass"/> may still send in this period.</summary>
    public readonly long Credits(int trafficClass) => _credits[trafficClass];

    /// <summary>Resets the credits if a period boundary has passed. Returns true when it did.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Refill(in TrafficClassProfile profile, long now)
    {
        if (now < _nextReset)
        {
            return false;
        }

        ResetAt(profile, now);
        return true;
    }

    /// <summary>True when class <paramref name="trafficClass"/> has at least <paramref name="bytes"/> left this period.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Covers(int trafficClass, long bytes) => _credits[trafficClass] >= bytes;

    /// <summary>Takes <paramref name="bytes"/> from class <paramref name="trafficClass"/>, which <see cref="Covers"/> must have allowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Consume(int trafficClass, long bytes)
    {
        _credits[trafficClass] -= bytes;
        Debug.Assert(_credits[trafficClass] >= 0, "class credits are never overdrawn");
    }

    /// <summary>Takes <paramref name="bytes"/> from class <paramref name="trafficClass"/> if it has them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryConsume(int trafficClass, long bytes)
    {
        if (_credits[trafficClass] < bytes)
        {
            return false;
        }

        _credits[trafficClass] -= bytes;
        return true;
    }

    /// <summary>
    /// Moves to profile <paramref name="to"/> at <paramref name="now"/> without starting a new period: the credits are
    /// brought up to <paramref name="now"/> under <paramref name="from"/>, then kept, each clamped to the new per-period
    /// credit; the current period ends when it would have, or one new period from now if that is sooner.
    /// </summary>
    /// <remarks>Why: a reset here would hand every class a full period's credit it has already spent, once per change.</remarks>
    public void Rebind(in TrafficClassProfile from, in TrafficClassProfile to, long now)
    {
        Refill(from, now);
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            long limit = to.CreditsPerPeriod(tc);
            if (_credits[tc] > limit)
            {
                _credits[tc] = limit;
            }
        }

        long latest = now + to.Period;
        if (_nextReset > latest)
        {
            _nextReset = latest;
        }
    }

    /// <summary>Starts a new period now with full credits (used at start).</summary>
    public void Reset(in TrafficClassProfile profile, long now)
    {
        _nextReset = now;
        ResetAt(profile, now);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ResetAt(in TrafficClassProfile profile, long now)
    {
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            _credits[tc] = profile.CreditsPerPeriod(tc);
        }

        long next = _nextReset + profile.Period;
        _nextReset = next > now ? next : now + profile.Period;
    }
}
