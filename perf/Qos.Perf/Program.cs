using System;
using System.Collections.Generic;
using Qos.Perf.Cli;

namespace Qos.Perf;

/// <summary>The qos-perf harness: <c>dotnet run -c Release --project perf/Qos.Perf -- COMMAND [options]</c>.</summary>
public static class Program
{
    private static readonly Dictionary<string, (string Summary, Func<Arguments, int> Run)> _commands = new(StringComparer.Ordinal)
    {
        ["help"] = ("show this help", _ => Help()),
        ["linerate"] = ("the port scheduler at line rate on one core with a NIC model (--profile --seconds --frames --load --mix --pcap --rx-thread --plot --json)", LineRate.LineRateCommand.Run),
        ["pipeline"] = ("the egress pipeline: RX → classifier → EventCore workers → port schedulers → NIC models (--profile (a port or a pipeline profile) --pcap|--frames --workers --work-ns --skew --ports --load --seconds --tx --json)", Pipeline.PipelineCommand.Run),
        ["sched"] = ("scheduler throughput, the DPDK rte_sched peer workload (--pipes --inflight --seconds --rounds --json)", Sched.SchedCommand.Run),
        ["events"] = ("event scheduler throughput, the DPDK event_dsw peer workload (--producers --workers --flows --burst --seconds --skew --json)", Events.EventsCommand.Run),
        ["validate"] = ("check a YAML profile and summarise its hierarchy (PROFILE.yaml)", Profiles.ValidateCommand.Run),
        ["replay"] = ("replay a CSV trace or a pcap through a profile in virtual time (--profile --trace|--pcap --out --json --idle-step-ns)", Replay.ReplayCommand.Run),
        ["capture"] = ("write a synthetic pcap of IPv4/UDP flows for replay and linerate --pcap (--out --count --frames --flows --pipes --zipf --gbps --seed)", Capture.CaptureCommand.Run),
        ["balance"] = ("flow balancing policies in a deterministic virtual-time simulator (--policy dsw|hierarchical|both --workers --domains --nodes --flows --zipf --load --shift-every --duration --seed --json --plot)", Balance.BalanceCommand.Run),
    };

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            return Help();
        }

        if (!_commands.TryGetValue(args[0], out var command))
        {
            Console.Error.WriteLine($"qos-perf: unknown command '{args[0]}'. Commands: {string.Join(", ", _commands.Keys)}");
            return 2;
        }

        try
        {
            return command.Run(Arguments.Parse(args.AsSpan(1)));
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"qos-perf {args[0]}: {e.Message}");
            return 2;
        }
    }

    private static int Help()
    {
        Console.WriteLine("qos-perf: the qos traffic manager's performance harness");
        Console.WriteLine();
        Console.WriteLine("usage: dotnet run -c Release --project perf/Qos.Perf -- COMMAND [--option value ...]");
        Console.WriteLine();
        Console.WriteLine("commands:");
        foreach (var (name, (summary, _)) in _commands)
        {
            Console.WriteLine($"  {name,-10} {summary}");
        }

        return 0;
    }
}
