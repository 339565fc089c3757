namespace Qos.TrafficManager.Tests.Replay;

/// <summary>
/// Profiles for the replay specifications: a 100 Mbit/s port (12.5 MB/s, exactly 80 ns per byte of line time) so that
/// traces stay small and departure times are exact.
/// </summary>
internal static class ReplayProfiles
{
    public const long PortRate = 12_500_000;
    public const long NanosecondsPerByte = 80;
    public const int Overhead = 24;

    public static string Port(
        string pipeRate = "100mbps",
        string pipeBucket = "20kB",
        string wrr = "[1, 1, 1, 1]",
        int pipes = 1,
        string queueSizes = "64",
        string congestion = "",
        string subportTcRates = "100mbps",
        string subportPeriod = "10ms",
        bool oversubscription = false,
        int mtu = 1522,
        string pipeGroups = "") =>
        $$"""
        port:
          rate: 100mbps
          mtu: {{mtu}}
        subport_profiles:
          main:
            rate: 100mbps
            bucket: 100kB
            tc_rates: {{subportTcRates}}
            tc_period: {{subportPeriod}}
        pipe_profiles:
          pipe:
            rate: {{pipeRate}}
            bucket: {{pipeBucket}}
            tc_rates: {{pipeRate}}
            tc_period: 10ms
            wrr_weights: {{wrr}}
        {{pipeGroups}}
        subports:
          - profile: main
            queue_sizes: {{queueSizes}}
            oversubscription: {{(oversubscription ? "true" : "false")}}
            pipes:
              - { count: {{pipes}}, profile: pipe }
        {{congestion}}
        """;
}
