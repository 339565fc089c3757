using System;
using System.Diagnostics;
using Qos.EventCore.Balancing;
using Qos.EventCore.Load;
using Qos.EventCore.Scheduling;

namespace Qos.EventCore.Migration;

/// <summary>
/// One port's migration decision, shared by <see cref="EventPort"/> and the balance simulator so that both run the
/// same bookkeeping around the policy: summarise the recent events into the flows this port owns in migratable
/// queues (each with its time since it last moved), ask the policy, drop moves that are invalid (flow not sampled,
/// target not serving the queue, the source itself, a repeat), held down or over the interval's cap
/// (<see cref="MigrationLedger"/>), write the rest with their estimated loads into the port's
/// <see cref="Emigration"/>, and promise each move's load to its target's <see cref="LoadMeter"/> (taking it off
/// the source's) at once, so that ports deciding next see it. Runs on the source port's thread; no allocation.
/// </summary>
internal sealed class MigrationPlanner
{
    private readonly int _port;
    private readonly IMigrationPolicy _policy;
    private readonly MigrationLedger _ledger;
    private readonly BalanceTopology? _topology;
    private readonly LoadMeter[] _meters;
    private readonly FlowSample[] _samples = new FlowSample[RecentFlows.Capacity];
    private readonly FlowMove[] _moves = new FlowMove[Emigration.MaxFlows];

    public MigrationPlanner(int port, IMigrationPolicy policy, MigrationLedger ledger, BalanceTopology? topology, LoadMeter[] meters)
    {
        Debug.Assert((uint)port < (uint)meters.Length, "the port has a load meter");
        _port = port;
        _policy = policy;
        _ledger = ledger;
        _topology = topology;
        _meters = meters;
    }

    /// <summary>
    /// Decides; returns how many flows were written into <paramref name="emigration"/> (cleared first). Their loads
    /// are promised to the targets; a move later cancelled is given back with <see cref="Withdraw"/>.
    /// </summary>
    /// <param name="now">The current time, in the ledger's ticks.</param>
    /// <param name="recent">The port's recent events.</param>
    /// <param name="queues">The queues, with their owner tables.</param>
    /// <param name="loads">Every port's published load (this port's included).</param>
    /// <param name="serving">By queue: the ports serving it.</param>
    /// <param name="emigration">Where the chosen moves go; the port must have no migration under way.</param>
    public int Plan(long now, RecentFlows recent, QueueState[] queues, ReadOnlySpan<double> loads, ReadOnlySpan<ulong> serving, Emigration emigration)
    {
        Debug.Assert(emigration.State == MigrationState.Idle, "a port plans only with no migration under way");
        emigration.Clear();
        if (recent.Length == 0)
        {
            return 0;
        }

        int seen = recent.Summarize(_samples);
        int movable = 0;
        for (int i = 0; i < seen; i++)
        {
            FlowSample sample = _samples[i];
            QueueState queue = queues[sample.QueueId];
            if (queue.Migratable && queue.Table[sample.FlowHash] == _port)
            {
                _samples[movable++] = sample with { SinceMove = _ledger.SinceMove(sample.QueueId, sample.FlowHash, now) };
            }
        }

        int budget = _ledger.Budget(now);
        if (movable == 0 || budget == 0)
        {
            return 0;
        }

        var context = new MigrationContext(_port, loads, _samples.AsSpan(0, movable), recent.Length, serving, _ledger.HoldDownTicks, budget, _topology);
        int chosen = Math.Min(_policy.SelectMigrations(in context, _moves), _moves.Length);
        double perEvent = loads[_port] / recent.Length;
        double promised = 0;
        for (int i = 0; i < chosen; i++)
        {
            FlowMove move = _moves[i];
            int count = SampleCount(movable, move.QueueId, move.FlowHash);
            if (count == 0 || (uint)move.TargetPort >= (uint)_meters.Length || move.TargetPort == _port
                || (serving[move.QueueId] & (1UL << move.TargetPort)) == 0)
            {
                continue;
            }

            int key = FlowHash.Key(move.QueueId, move.FlowHash);
            if (emigration.TargetOf(key) >= 0 || !_ledger.TryRecordMove(move.QueueId, move.FlowHash, now))
            {
                continue;
            }

            double load = count * perEvent;
            emigration.Add(key, move.TargetPort, load);
            _meters[move.TargetPort].AddImmigrationLoad(load);
            promised += load;
        }

        if (promised > 0)
        {
            _meters[_port].RemoveEmigrationLoad(promised);
        }

        return emigration.Count;
    }

    /// <summary>Gives back the promise of move <paramref name="i"/> (before it is cancelled).</summary>
    public void Withdraw(Emigration emigration, int i)
    {
        int target = emigration.TargetAt(i);
        Debug.Assert(target != _port, "only a move still planned is withdrawn");
        _meters[target].AddImmigrationLoad(-emigration.LoadAt(i));
        _meters[_port].RestoreEmigrationLoad(emigration.LoadAt(i));
    }

    private int SampleCount(int movable, int queueId, int flowHash)
    {
        for (int i = 0; i < movable; i++)
        {
            if (_samples[i].QueueId == queueId && _samples[i].FlowHash == flowHash)
            {
                return _samples[i].Count;
            }
        }

        return 0;
    }
}
