namespace Qos.TrafficManager.Profiles;

/// <summary>Consecutive pipes sharing a pipe profile (an entry of YAML <c>pipes</c>: <c>{ count: 4096, profile: silver }</c>).</summary>
public sealed class PipeGroupOptions
{
    /// <summary>Number of pipes, at least 1 (YAML <c>count</c>).</summary>
    public int Count { get; set; }

    /// <summary>Name of their pipe profile (YAML <c>profile</c>, required).</summary>
    public string? Profile { get; set; }
}
