using System;
using System.Collections.Generic;
using Qos.Shaping.Congestion;

namespace Qos.TrafficManager.Configuration;

/// <summary>A subport: its profile, queue sizes, pipes, oversubscription and congestion management.</summary>
public sealed class SubportConfig
{
    /// <summary>Index into <see cref="PortConfig.SubportProfiles"/>.</summary>
    public int Profile { get; init; }

    /// <summary>
    /// Queue size in packets per class (13 values): a power of two up to 32768, or 0 to disable the class.
    /// The best-effort class (12) must be enabled; its size applies to each of its 4 queues.
    /// </summary>
    public IReadOnlyList<int> QueueSizes { get; init; } = Array.Empty<int>();

    /// <summary>The pipes, numbered in list order (up to 65536 in all).</summary>
    public IReadOnlyList<PipeGroup> Pipes { get; init; } = Array.Empty<PipeGroup>();

    /// <summary>Pipes in the subport: the sum of <see cref="Pipes"/>' counts.</summary>
    public int PipeCount
    {
        get
        {
            // Why indexed: no enumerator is allocated, so per-packet callers may use it.
            int pipes = 0;
            for (int g = 0; g < Pipes.Count; g++)
            {
                pipes += Pipes[g].Count;
            }

            return pipes;
        }
    }

    /// <summary>Whether best-effort oversubscription (the watermark) is enforced.</summary>
    public bool Oversubscription { get; init; }

    /// <summary>Optional WRED per class (13 entries, null = tail drop only); thresholds are in packets, at most the queue size.</summary>
    public IReadOnlyList<RedProfile?>? Red { get; init; }

    /// <summary>Optional PIE per class (13 entries, null = tail drop only); a class may not use both RED and PIE.</summary>
    public IReadOnlyList<PieParameters?>? Pie { get; init; }
}
