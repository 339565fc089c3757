using BenchmarkDotNet.Attributes;
using Qos.Shaping.Wrr;

namespace Qos.Benchmarks.Shaping;

/// <summary>Selection + charge of the best-effort WRR, the per-packet work in the best-effort class.</summary>
[MemoryDiagnoser]
public class WrrBenchmarks
{
    private const int Operations = 1024;
    private WrrProfile _profile;
    private BestEffortWrr _wrr;

    [Params(0xFu, 0b0101u)]
    public uint ActiveMask { get; set; }

    [GlobalSetup]
    public void Setup() => _profile = new WrrProfile([7, 11, 13, 17]);

    [Benchmark(OperationsPerInvoke = Operations)]
    public int SelectAndCharge()
    {
        int last = 0;
        for (int i = 0; i < Operations; i++)
        {
            last = _wrr.Select(ActiveMask);
            _wrr.Charge(_profile, last, 64 + (i & 1023), ActiveMask);
        }

        return last;
    }
}
