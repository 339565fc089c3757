using System.Collections.Generic;
using Qos.TrafficManager.Pipeline;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// A pipeline profile as read (<see cref="ProfileYamlReader.ReadPipeline"/>), its values not yet checked
/// (<see cref="PipelineProfileCompiler"/>): the <c>pipeline</c> settings as written, null where absent, and each port's
/// options with where they were found.
/// </summary>
internal sealed class PipelineDocument
{
    /// <summary>Where each path of the pipeline document (<c>pipeline.burst</c>, <c>ports[1].name</c>) was found.</summary>
    public ProfileSourceMap Source { get; } = new();

    /// <summary>Where the document's root mapping starts: the position of what is missing from it.</summary>
    public (int Line, int Column) Root { get; set; }

    public int? Workers { get; set; }

    public int? Burst { get; set; }

    public int? PoolFrames { get; set; }

    public int? FrameSize { get; set; }

    public RxBackpressure? RxBackpressure { get; set; }

    public int? MaxInflight { get; set; }

    /// <summary>The ports in list order; empty when the document has no <c>ports</c>.</summary>
    public List<PipelinePortDocument> Ports { get; } = [];
}
