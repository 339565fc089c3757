using BenchmarkDotNet.Running;

namespace Qos.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project perf/Qos.Benchmarks -- --filter '*Wrr*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
