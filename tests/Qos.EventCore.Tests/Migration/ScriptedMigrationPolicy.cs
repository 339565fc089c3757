using System;
using System.Threading;
using Qos.EventCore.Migration;

namespace Qos.EventCore.Tests.Migration;

/// <summary>A test policy that moves nothing until armed, then moves the one armed flow once.</summary>
internal sealed class ScriptedMigrationPolicy : IMigrationPolicy
{
    private readonly Lock _gate = new();
    private FlowMove? _armed;

    public void Arm(int queueId, int flowHash, int targetPort)
    {
        lock (_gate)
        {
            _armed = new FlowMove(queueId, flowHash, targetPort);
        }
    }

    public int SelectMigrations(in MigrationContext context, Span<FlowMove> moves)
    {
        lock (_gate)
        {
            if (_armed is not FlowMove armed)
            {
                return 0;
            }

            foreach (FlowSample sample in context.RecentFlows)
            {
                if (sample.QueueId == armed.QueueId && sample.FlowHash == armed.FlowHash)
                {
                    _armed = null;
                    moves[0] = armed;
                    return 1;
                }
            }

            // Not among this port's recent flows (another port asked): stay armed.
            return 0;
        }
    }
}
