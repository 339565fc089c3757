namespace Qos.TrafficManager.Profiles;

/// <summary>
/// One port of a <see cref="PipelineDocument"/> as read: its options (from the mapping under <c>ports[i]</c> or from the
/// file its <c>profile</c> names), its name, and the files its errors are found in.
/// </summary>
internal sealed class PipelinePortDocument
{
    /// <summary>The port's path in the pipeline document: <c>ports[1]</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Where the port's mapping starts in the pipeline document.</summary>
    public required (int Line, int Column) Position { get; init; }

    public string? Name { get; set; }

    /// <summary>The port profile, with paths and positions of its own (<c>port.rate</c>).</summary>
    public TrafficManagerOptions Options { get; } = new();

    /// <summary>The port profile file <c>profile</c> names, resolved; null when the profile is inline.</summary>
    public string? ProfileFile { get; set; }

    /// <summary>The file the <c>classifier</c> section was read from: <see cref="ProfileFile"/>, or null when the section
    /// is in the pipeline document.</summary>
    public string? ClassifierFile { get; set; }

    /// <summary>
    /// <paramref name="error"/>, raised by the port's profile or classifier read from <paramref name="file"/> (null: the
    /// pipeline document), in the pipeline's terms: <c>ports[1].pipe_profiles.default.rate</c>, in that file or, when it
    /// has no position, at the port.
    /// </summary>
    public ProfileException Nested(ProfileException error, string? file) =>
        error.Nested(Path, file is null ? Path : $"{Path}.profile", file, Position.Line, Position.Column);
}
