using Qos.Shaping.Randomness;

namespace Qos.Shaping.Tests.Congestion;

/// <summary>The project's xorshift32 stream, as a reference type the tests can pass around.</summary>
internal sealed class TestRandom
{
    private Xorshift32 _stream;

    public TestRandom(uint seed) => _stream = new Xorshift32(seed);

    /// <summary>The next value, uniform over 1..2^32 − 1.</summary>
    public uint Next() => _stream.Next();

    /// <summary>A value in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public int Next(int min, int max) => min + (int)(Next() % (uint)(max - min));
}
