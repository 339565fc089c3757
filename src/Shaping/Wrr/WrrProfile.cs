using System;
using Qos.Shaping.Internal;
using Qos.Shaping.TrafficClasses;

namespace Qos.Shaping.Wrr;

/// <summary>
/// Weights of the four best-effort queues of a pipe, turned into exact per-byte costs.
/// </summary>
/// <remarks>
/// A queue's cost per byte is <c>lcm(weights) / weight</c>: an integer for every queue, so no cost is
/// truncated whatever the weights (for 7, 11, 13, 17 the costs are 2431, 1547, 1309, 1001). The least
/// common multiple of four weights up to 255 is below 2^32, and a cost times a frame length stays far
/// inside 64 bits.
/// </remarks>
public readonly struct WrrProfile
{
    private readonly WrrValues _costs;

    /// <summary>Creates the costs for four weights, each 1..255.</summary>
    public WrrProfile(ReadOnlySpan<byte> weights)
    {
        if (weights.Length != TrafficClass.BestEffortQueues)
        {
            ThrowHelper.OutOfRange(nameof(weights), weights.Length, $"must hold exactly {TrafficClass.BestEffortQueues} weights");
        }

        long lcm = 1;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] == 0)
            {
                ThrowHelper.OutOfRange($"{nameof(weights)}[{i}]", weights[i], "must be between 1 and 255");
            }

            lcm = Lcm(lcm, weights[i]);
        }

        for (int i = 0; i < weights.Length; i++)
        {
            _costs[i] = lcm / weights[i];
        }
    }

    /// <summary>Cost per byte of best-effort queue <paramref name="queue"/> (0..3).</summary>
    public long Cost(int queue) => _costs[queue];

    private static long Lcm(long a, long b)
    {
        long x = a, y = b;
        while (y != 0)
        {
            (x, y) = (y, x % y);
        }

        return a / x * b;
    }
}
