using BenchmarkDotNet.Attributes;
using Qos.TrafficManager.Scheduling;

namespace Qos.Benchmarks.TrafficManager;

/// <summary>Taking the next waiting pipe from the active-queue bitmap and putting it back, at several occupancies.</summary>
[MemoryDiagnoser]
public class BitmapBenchmarks
{
    private const int Operations = 1024;
    private ActiveQueueBitmap _bitmap = null!;

    [Params(4096, 65536)]
    public int Pipes { get; set; }

    /// <summary>One pipe in this many has packets.</summary>
    [Params(1, 64)]
    public int Sparsity { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bitmap = new ActiveQueueBitmap(Pipes);
        for (int p = 0; p < Pipes; p += Sparsity)
        {
            _bitmap.MarkNonEmpty(p, p & 15);
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int TakeAndRelease()
    {
        int last = 0;
        for (int i = 0; i < Operations; i++)
        {
            last = _bitmap.TakeNext();
            _bitmap.Release(last);
        }

        return last;
    }
}
