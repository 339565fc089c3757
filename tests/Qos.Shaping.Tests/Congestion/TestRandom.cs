namespace Qos.Shaping.Tests.Congestion;

/// <summary>Marsaglia's xorshift32: tiny, deterministic and allocation-free, for the random input of drop decisions.</summary>
internal sealed class TestRandom
{
    private uint _state;

    public TestRandom(uint seed) => _state = seed == 0 ? 0x9E3779B9u : seed;

    /// <summary>The next value, uniform over 1..2^32 − 1.</summary>
    public uint Next()
    {
        uint x = _state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _state = x;
        return x;
    }

    /// <summary>A value in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public int Next(int min, int max) => min + (int)(Next() % (uint)(max - min));
}
