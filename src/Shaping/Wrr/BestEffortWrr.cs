using System.Diagnostics;
using System.Numerics;
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

        int best = BitOperations.TrailingZeroCount(activeMask);
        long bestTokens = _tokens[best];
        for (uint rest = activeMask & (activeMask - 1); rest != 0; rest &= rest - 1)
        {
            int q = BitOperations.TrailingZeroCount(rest);
            if (_tokens[q] < bestTokens)
            {
                best = q;
                bestTokens = _tokens[q];
            }
        }

        return best;
    }

    /// <summary>
    /// Charges <paramref name="bytes"/> sent from <paramref name="queue"/> and renormalises; <paramref name="activeMask"/>
    /// is the set of queues still active after the send.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Charge(in WrrProfile profile, int queue, long bytes, uint activeMask)
    {
        Debug.Assert((uint)queue < TrafficClass.BestEffortQueues, "best-effort queue index is 0..3");
        _tokens[queue] += bytes * profile.Cost(queue);
        long min = long.MaxValue;
        for (int q = 0; q < TrafficClass.BestEffortQueues; q++)
        {
            if ((activeMask & (1u << q)) != 0 && _tokens[q] < min)
            {
                min = _tokens[q];
            }
        }

        for (int q = 0; q < TrafficClass.BestEffortQueues; q++)
        {
            _tokens[q] = (activeMask & (1u << q)) != 0 ? _tokens[q] - min : 0;
            Debug.Assert(_tokens[q] >= 0, "normalised tokens are never negative");
        }
    }
}
