using System;

namespace Qos.EventCore.Migration;

/// <summary>
/// Decides which flows a port moves away, and where to. Called from the source port's own thread, about once
/// per migration interval, only when the port has no migration under way; it must not allocate or block.
/// </summary>
public interface IMigrationPolicy
{
    /// <summary>
    /// Writes up to <c>moves.Length</c> moves of flows from <see cref="MigrationContext.RecentFlows"/> and returns
    /// how many it wrote (0: nothing to do). Moves naming a flow not in the sample, a port not serving the queue or
    /// the source port itself are ignored.
    /// </summary>
    int SelectMigrations(in MigrationContext context, Span<FlowMove> moves);
}
