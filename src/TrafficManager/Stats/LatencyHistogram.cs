using System;
using System.Numerics;

namespace Qos.TrafficManager.Stats;

/// <summary>
/// Log-linear histogram of nanosecond values: 32 sub-buckets per power of two (error under 3.2%), preallocated,
/// so recording allocates nothing.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBits = 5;
    private const int Sub = 1 << SubBits;
    private readonly long[] _counts = new long[64 * Sub];

    /// <summary>Values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Adds every value <paramref name="other"/> recorded (read without locks: call it while
    /// <paramref name="other"/>'s thread records and the result is a slightly stale, never torn, sum).</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        long added = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            long c = System.Threading.Volatile.Read(ref other._counts[i]);
            _counts[i] += c;
            added += c;
        }

        Count += added;
    }

    /// <summary>Forgets every value.</summary>
    public void Clear()
    {
        Array.Clear(_counts);
        Count = 0;
    }

    /// <summary>Records one value (negative values count as 0).</summary>
    public void Record(long nanoseconds)
    {
        _counts[Index(Math.Max(0, nanoseconds))]++;
        Count++;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), as the upper edge of its bucket.</summary>
    public long Quantile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }

        long rank = (long)Math.Ceiling(q * Count);
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank && _counts[i] > 0)
            {
                return UpperEdge(i);
            }
        }

        return UpperEdge(_counts.Length - 1);
    }

    /// <summary>Non-empty buckets in increasing order, as (upper edge in ns, count).</summary>
    public System.Collections.Generic.IEnumerable<(long UpperEdge, long Count)> Buckets()
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] > 0)
            {
                yield return (UpperEdge(i), _counts[i]);
            }
        }
    }

    private static int Index(long value)
    {
        if (value < Sub)
        {
            return (int)value;
        }

        int msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        int shift = msb - SubBits;
        return ((shift + 1) * Sub) + (int)((value >> shift) & (Sub - 1));
    }

    private static long UpperEdge(int index)
    {
        if (index < Sub)
        {
            return index;
        }

        int shift = (index / Sub) - 1;
        long mantissa = Sub + (index % Sub);
        return ((mantissa + 1) << shift) - 1;
    }
}
