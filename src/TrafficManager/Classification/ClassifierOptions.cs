using System.Collections.Generic;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// The classifier's configuration (the <c>classifier:</c> section): an ordered rule list checked first, then one
/// field mapping per part of the path, the path for frames that cannot be parsed, and the offload table.
/// Read from YAML by <see cref="ClassifierLoader"/> or built in code; compiled and checked against the port by
/// <see cref="Classifier.Create"/>.
/// </summary>
public sealed class ClassifierOptions
{
    /// <summary>Maps a field to the subport; without it, <see cref="DefaultPath"/>'s subport.</summary>
    public FieldMappingOptions? Subport { get; set; }

    /// <summary>Maps a field to the pipe within the subport; without it, <see cref="DefaultPath"/>'s pipe.</summary>
    public FieldMappingOptions? Pipe { get; set; }

    /// <summary>Maps a field to the traffic class 0..12; without it, <see cref="DefaultPath"/>'s class.</summary>
    public FieldMappingOptions? TrafficClass { get; set; }

    /// <summary>Maps a field to the best-effort queue 0..3 (ignored for classes 0..11).</summary>
    public FieldMappingOptions? Queue { get; set; }

    /// <summary>Maps a field to the colour (values 0 green, 1 yellow, 2 red).</summary>
    public FieldMappingOptions? Color { get; set; }

    /// <summary>Rules checked in order before the field mapping; the first that matches gives the whole path.</summary>
    public IList<ClassifierRuleOptions> Rules { get; } = new List<ClassifierRuleOptions>();

    /// <summary>
    /// The path of frames that cannot be parsed, and the fallback of a mapping without its own default and of a
    /// mapped path that falls outside the hierarchy. Defaults to subport 0, pipe 0, best effort (class 12), queue 0, green.
    /// </summary>
    public ClassifierPathOptions DefaultPath { get; set; } = new();

    /// <summary>The exact-match offload table in front of the rule path.</summary>
    public OffloadOptions Offload { get; set; } = new();

    /// <summary>Where each YAML node was found (path → line, column), when the options came from a file.</summary>
    internal Dictionary<string, (int Line, int Column)> Positions { get; } = new();
}
