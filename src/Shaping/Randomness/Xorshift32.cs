using System.Runtime.CompilerServices;

namespace Qos.Shaping.Randomness;

/// <summary>
/// Marsaglia's xorshift32: the seeded, allocation-free random stream behind drop decisions and traffic
/// generation. Not for anything that needs unpredictability; runs repeat exactly for a seed.
/// </summary>
public struct Xorshift32
{
    private uint _state;

    /// <summary>Starts the stream at <paramref name="seed"/> (0, which xorshift cannot leave, is replaced).</summary>
    public Xorshift32(uint seed) => _state = seed == 0 ? 0x9E3779B9u : seed;

    /// <summary>The next value, uniform over 1..2^32 − 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Next()
    {
        uint x = _state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _state = x;
        return x;
    }

    /// <summary>A value in [0, <paramref name="n"/>), by multiply-high instead of division (Lemire's reduction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Below(uint n) => (uint)(((ulong)Next() * n) >> 32);
}
