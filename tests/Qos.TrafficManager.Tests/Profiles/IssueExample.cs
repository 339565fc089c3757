namespace Qos.TrafficManager.Tests.Profiles;

/// <summary>The profile shape of issue 4, verbatim: the format's reference example.</summary>
internal static class IssueExample
{
    public const string Yaml = """
        port:
          rate: 10gbps            # bit/s units: bps kbps mbps gbps; byte/s units: B/s kB/s MB/s GB/s; bare number = bytes/s
          mtu: 1522
          frame_overhead: 24
        subport_profiles:
          default:
            rate: 10gbps
            bucket: 1MB           # bytes: B kB MB (1000s) or KiB MiB (1024s)
            tc_rates: 10gbps      # one value for all 13 classes, or a list of 13
            tc_period: 10ms
        pipe_profiles:
          silver:
            rate: 2.44mbps
            bucket: 1MB
            tc_rates: [2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps,
                       2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps, 2.44mbps]
            tc_period: 40ms
            be_weight: 1          # best-effort oversubscription weight
            wrr_weights: [1, 1, 1, 1]
        subports:
          - profile: default
            queue_sizes: 64       # one value for all classes, or a list of 13
            oversubscription: true
            pipes:
              - { count: 4096, profile: silver }   # pipes are numbered in list order
            congestion:           # optional: red per class and colour, or pie per class
              red:
                12: { green: { min: 48, max: 64, inv_prob: 10 }, yellow: { min: 40, max: 64, inv_prob: 10 },
                      red: { min: 32, max: 64, inv_prob: 10 }, weight_log2: 9 }

        """;

    /// <summary>The example with one piece of text replaced (which must occur).</summary>
    public static string With(string oldText, string newText)
    {
        if (!Yaml.Contains(oldText, System.StringComparison.Ordinal))
        {
            throw new System.ArgumentException($"'{oldText}' is not in the example", nameof(oldText));
        }

        return Yaml.Replace(oldText, newText, System.StringComparison.Ordinal);
    }
}
