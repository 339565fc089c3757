namespace Qos.TrafficManager.Configuration;

/// <summary><see cref="Count"/> consecutive pipes using pipe profile <see cref="Profile"/>.</summary>
/// <param name="Count">Number of pipes (&gt;= 1).</param>
/// <param name="Profile">Index into <see cref="PortConfig.PipeProfiles"/>.</param>
public sealed record PipeGroup(int Count, int Profile);
