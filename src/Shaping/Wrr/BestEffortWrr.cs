using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Qos.Shaping.TrafficClasses;

namespace Qos.Shaping.Wrr;

/// <summary>
/// Byte-based weighted round robin over a pipe's four best-effort queues.
/// </summary>
/// <remarks>
/// Each queue keeps a token count: the bytes it has sent times its cost (see <see cref="WrrProfile"/>).
/// The next packet comes from the active queue with the fewest tokens (the lowest index on a tie), so over
/// time every backlogged queue's byte share is its weight's share, within one frame. After each charge the
/// smallest active count is subtracted from all active queues, keeping the counts small; an inactive queue
/// is skipped and rejoins at zero, the same footing as the most deserving active queue, so it neither
/// banks credit while idle nor is punished for its past.
/// </remarks>
public struct BestEffortWrr
{
    private WrrValues _tokens;

    /// <summary>Tokens of queue <paramref name="queue"/> (for tests and stats).</summary>
    public readonly long Tokens(int queue) => _tokens[queue];

    /// <summary>
    /// The active queue (bit i of <paramref name="activeMask"/> set = queue i has packets) that sends next,
    /// or -1 when none is active.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Select(uint activeMask)
    {
        activeMask &= 0xF;
        if (activeMask == 0)
        {
            return -1;
        }

        // Why: unrolled over the four queues, with inactive queues at long.MaxValue (an active count is far below
        // it), so the JIT can use conditional moves instead of a loop of unpredictable branches. Strict
        // comparisons keep the lowest index on a tie.
        long t0 = TokensIfActive(activeMask, 0);
        long t1 = TokensIfActive(activeMask, 1);
        long t2 = TokensIfActive(activeMask, 2);
        long t3 = TokensIfActive(activeMask, 3);
        int low = t1 < t0 ? 1 : 0;
        long lowTokens = t1 < t0 ? t1 : t0;
        int high = t3 < t2 ? 3 : 2;
        long highTokens = t3 < t2 ? t3 : t2;
        return highTokens < lowTokens ? high : low;
    }

    /// <summary>
    /// Charges <paramref name="bytes"/> sent from <paramref name="queue"/> and renormalises; <paramref name="activeMask"/>
    /// is the set of queues still active after the send.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Charge(in WrrProfile profile, int queue, long bytes, uint activeMask)
    {
        Debug.Assert((uint)queue < TrafficClass.BestEffortQueues, "best-effort queue index is 0..3");
        _tokens[queue & 3] += bytes * profile.Cost(queue & 3);
        long t0 = TokensIfActive(activeMask, 0);
        long t1 = TokensIfActive(activeMask, 1);
        long t2 = TokensIfActive(activeMask, 2);
        long t3 = TokensIfActive(activeMask, 3);
        long min = Math.Min(Math.Min(t0, t1), Math.Min(t2, t3));

        // An inactive queue rejoins at zero; when none is active, all are zero.
        _tokens[0] = (activeMask & 1) != 0 ? t0 - min : 0;
        _tokens[1] = (activeMask & 2) != 0 ? t1 - min : 0;
        _tokens[2] = (activeMask & 4) != 0 ? t2 - min : 0;
        _tokens[3] = (activeMask & 8) != 0 ? t3 - min : 0;
        Debug.Assert(_tokens[0] >= 0 && _tokens[1] >= 0 && _tokens[2] >= 0 && _tokens[3] >= 0, "normalised tokens are never negative");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly long TokensIfActive(uint activeMask, int queue) =>
        (activeMask & (1u << queue)) != 0 ? _tokens[queue] : long.MaxValue;
}
