using System;
using System.Collections.Generic;
using Qos.EventCore;
using Qos.EventCore.Balancing;
using Qos.EventCore.Load;
using Qos.EventCore.Migration;
using Qos.EventCore.Scheduling;

namespace Qos.Perf.Balance.Simulation;

/// <summary>
/// A deterministic virtual-time model of an event device's workers, driving the real balancing code: each worker has
/// a real <see cref="LoadMeter"/> (fed with its busy time, the work it served and the work queued to it, in nanoseconds
/// of service, as the device feeds it events), a real <see cref="RecentFlows"/> sample (128 events
/// drawn from the flows it serves, in proportion to their rates), a real <see cref="MigrationPlanner"/> around the
/// policy, a shared <see cref="MigrationLedger"/> (hold-down, move cap), a real <see cref="Emigration"/> and the
/// queue's real owner table (<see cref="QueueState"/>). What is modelled: service is a fluid (each worker serves up
/// to its capacity per tick, the rest queues), decisions come at the device's jittered migration interval, and a
/// planned move takes effect <see cref="BalanceScenario.MigrationLatencyNs"/> later (the migration protocol), during
/// which the worker plans nothing else. Everything random comes from one seeded generator: same seed, same result.
/// </summary>
public sealed class BalanceSimulator
{
    private const double Recovered = 1.10;
    private const long Second = 1_000_000_000;

    private readonly BalanceScenario _s;
    private readonly int _workers;
    private readonly BalanceTopology _topology;
    private readonly double[] _rankRate;
    private readonly int[] _flowOfRank;
    private readonly int[] _rankOfFlow;
    private readonly int[][] _owned;
    private readonly int[] _ownedCount;
    private readonly int[] _position;
    private readonly double[] _offered;
    private readonly double[] _backlog;
    private readonly LoadMeter[] _meters;
    private readonly RecentFlows[] _recent;
    private readonly Emigration[] _emigrations;
    private readonly MigrationPlanner[] _planners;
    private readonly long[] _completeAt;
    private readonly long[] _nextDecision;
    private readonly MigrationLedger _ledger;
    private readonly QueueState _queue;
    private readonly QueueState[] _queues;
    private readonly ulong[] _serving;
    private readonly double[] _loads;
    private readonly double[] _cumulative;
    private readonly long[] _lastApplied;
    private readonly bool[] _flapped;
    private ulong _random;

    private BalanceSimulator(BalanceScenario s)
    {
        if (s.Workers is < 2 or > EventDeviceConfig.MaxPorts || s.Flows < 2 || s.Flows > FlowHash.Count)
        {
            throw new ArgumentException($"workers {s.Workers} must be from 2 to {EventDeviceConfig.MaxPorts} and flows {s.Flows} from 2 to {FlowHash.Count}", nameof(s));
        }

        if (s.Flows * s.FlowCap < s.Load * s.Workers)
        {
            throw new ArgumentException($"flows {s.Flows} x flow cap {s.FlowCap} cannot carry load {s.Load} x {s.Workers} workers", nameof(s));
        }

        _s = s;
        _workers = s.Workers;
        _topology = s.CreateTopology();
        _random = 0x9E3779B97F4A7C15UL ^ ((ulong)s.Seed * 0xBF58476D1CE4E5B9UL);
        _rankRate = CappedZipf(s.Flows, s.Zipf, s.Load * s.Workers, s.FlowCap);
        _flowOfRank = new int[s.Flows];
        _rankOfFlow = new int[s.Flows];
        for (int f = 0; f < s.Flows; f++)
        {
            _flowOfRank[f] = f;
        }

        for (int i = s.Flows - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (_flowOfRank[i], _flowOfRank[j]) = (_flowOfRank[j], _flowOfRank[i]);
        }

        for (int k = 0; k < s.Flows; k++)
        {
            _rankOfFlow[_flowOfRank[k]] = k;
        }

        _queue = new QueueState(0, ScheduleType.Atomic) { ServingMask = s.Workers == 64 ? ulong.MaxValue : (1UL << s.Workers) - 1 };
        _queue.AssignInitialOwners();
        _queues = [_queue];
        _serving = [_queue.ServingMask];
        _owned = new int[_workers][];
        _ownedCount = new int[_workers];
        _position = new int[s.Flows];
        _offered = new double[_workers];
        _backlog = new double[_workers];
        for (int w = 0; w < _workers; w++)
        {
            _owned[w] = new int[s.Flows];
        }

        for (int f = 0; f < s.Flows; f++)
        {
            int w = _queue.Table[f];
            _position[f] = _ownedCount[w];
            _owned[w][_ownedCount[w]++] = f;
            _offered[w] += RateOf(f);
        }

        IMigrationPolicy policy = s.CreatePolicy();
        _meters = new LoadMeter[_workers];
        _recent = new RecentFlows[_workers];
        _emigrations = new Emigration[_workers];
        _planners = new MigrationPlanner[_workers];
        _completeAt = new long[_workers];
        _nextDecision = new long[_workers];
        _ledger = new MigrationLedger(1, s.HoldDownNs, s.MaxMovesPerInterval, s.MigrationIntervalNs, 0);
        for (int w = 0; w < _workers; w++)
        {
            _meters[w] = new LoadMeter(s.LoadUpdateNs, 0, s.LoadHalfLifeNs);
        }

        for (int w = 0; w < _workers; w++)
        {
            _recent[w] = new RecentFlows();
            _emigrations[w] = new Emigration();
            _planners[w] = new MigrationPlanner(w, policy, _ledger, _topology, _meters);
            _nextDecision[w] = s.MigrationIntervalNs;
        }

        _loads = new double[_workers];
        _cumulative = new double[s.Flows];
        _lastApplied = new long[s.Flows];
        Array.Fill(_lastApplied, long.MinValue);
        _flapped = new bool[s.Flows];
    }

    /// <summary>Runs <paramref name="scenario"/> to its end.</summary>
    public static BalanceResult Run(BalanceScenario scenario) => new BalanceSimulator(scenario).Run();

    /// <summary>Zipf weights (rank k ∝ 1/(k+1)^s) scaled to <paramref name="total"/>, each capped at
    /// <paramref name="cap"/> with the excess spread over the uncapped ranks in proportion (water-filling).</summary>
    public static double[] CappedZipf(int flows, double exponent, double total, double cap)
    {
        var weights = new double[flows];
        for (int k = 0; k < flows; k++)
        {
            weights[k] = Math.Pow(k + 1, -exponent);
        }

        double lo = 0, hi = total / weights[flows - 1];
        for (int iteration = 0; iteration < 200; iteration++)
        {
            double mid = (lo + hi) / 2;
            double sum = 0;
            foreach (double w in weights)
            {
                sum += Math.Min(cap, mid * w);
            }

            if (sum < total)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        var rates = new double[flows];
        for (int k = 0; k < flows; k++)
        {
            rates[k] = Math.Min(cap, hi * weights[k]);
        }

        return rates;
    }

    private double RateOf(int flow) => _rankRate[_rankOfFlow[flow]];

    private BalanceResult Run()
    {
        BalanceScenario s = _s;
        double dt = s.TickNs;
        var series = new List<BalanceSample>();
        var ratios = new List<double>();
        var queued = new List<double>();
        var recoveries = new List<double>();
        var windowLoad = new double[_workers];
        long windowMoves = 0;
        long moves = 0, crossDomain = 0, crossNode = 0, migrations = 0, flapping = 0;
        int overloadedSamples = 0, workerSamples = 0, notRecovered = 0, shifts = 0;
        long shiftStart = -1;
        int ticksPerWindow = (int)Math.Max(1, s.SampleNs / s.TickNs);
        int tickInWindow = 0;
        for (long t = 0; t < s.DurationNs; t += s.TickNs)
        {
            bool measured = t >= s.WarmupNs;
            if (t > 0 && t % s.ShiftEveryNs == 0)
            {
                if (shiftStart >= 0)
                {
                    recoveries.Add(s.ShiftEveryNs / 1e6);
                    notRecovered++;
                }

                Shift();
                shiftStart = measured ? t : -1;
                shifts += measured ? 1 : 0;
            }

            for (int w = 0; w < _workers; w++)
            {
                Emigration e = _emigrations[w];
                if (e.State == MigrationState.Idle || t < _completeAt[w])
                {
                    continue;
                }

                migrations += measured ? 1 : 0;
                for (int i = 0; i < e.Count; i++)
                {
                    int target = e.TargetAt(i);
                    int flow = e.KeyAt(i) & 0xFFFF;
                    Move(flow, w, target);
                    if (!measured)
                    {
                        continue;
                    }

                    moves++;
                    windowMoves++;
                    crossDomain += _topology.DomainOf(w) != _topology.DomainOf(target) ? 1 : 0;
                    crossNode += _topology.NodeOf(w) != _topology.NodeOf(target) ? 1 : 0;
                    if (_lastApplied[flow] != long.MinValue && t - _lastApplied[flow] < Second)
                    {
                        flapping++;
                        _flapped[flow] = true;
                    }

                    _lastApplied[flow] = t;
                }

                e.State = MigrationState.Idle;
                e.Clear();
                _recent[w].Reset();
            }

            for (int w = 0; w < _workers; w++)
            {
                double available = _backlog[w] + (_offered[w] * dt);
                double busy = Math.Min(dt, available);
                _backlog[w] = available - busy;
                LoadMeter meter = _meters[w];
                meter.AddServed((long)Math.Round(busy));
                if (busy > 0 && !meter.IsBusy)
                {
                    meter.BecomeBusy(t);
                }

                if (busy < dt && meter.IsBusy)
                {
                    meter.BecomeIdle(t + (long)busy);
                }

                if (meter.UpdateDue(t + s.TickNs))
                {
                    meter.Update(t + s.TickNs, (long)Math.Round(_backlog[w]));
                }

                windowLoad[w] += _offered[w];
            }

            if (shiftStart >= 0 && MaxOverMean(_offered) <= Recovered)
            {
                recoveries.Add((t - shiftStart) / 1e6);
                shiftStart = -1;
            }

            long now = t + s.TickNs;
            for (int w = 0; w < _workers; w++)
            {
                if (now < _nextDecision[w])
                {
                    continue;
                }

                _nextDecision[w] = now + (s.MigrationIntervalNs / 2) + (long)(NextULong() % (ulong)s.MigrationIntervalNs);
                if (_emigrations[w].State != MigrationState.Idle || _ownedCount[w] == 0 || _offered[w] <= 0)
                {
                    continue;
                }

                DrawRecentEvents(w);
                for (int p = 0; p < _workers; p++)
                {
                    _loads[p] = _meters[p].Published;
                }

                if (_planners[w].Plan(now, _recent[w], _queues, _loads, _serving, _emigrations[w]) > 0)
                {
                    _emigrations[w].State = MigrationState.Pausing;
                    _completeAt[w] = now + s.MigrationLatencyNs;
                }
            }

            if (++tickInWindow == ticksPerWindow)
            {
                double queuedEvents = 0;
                var loads = new double[_workers];
                for (int w = 0; w < _workers; w++)
                {
                    loads[w] = windowLoad[w] / ticksPerWindow;
                    queuedEvents += _backlog[w] / s.EventCostNs;
                    windowLoad[w] = 0;
                }

                double ratio = MaxOverMean(loads);
                double windowSeconds = ticksPerWindow * dt / Second;
                series.Add(new BalanceSample(now / (double)Second, ratio, windowMoves / windowSeconds, queuedEvents, s.KeepWorkerSeries ? loads : null));
                if (measured)
                {
                    ratios.Add(ratio);
                    queued.Add(queuedEvents);
                    foreach (double load in loads)
                    {
                        overloadedSamples += load > 1 ? 1 : 0;
                        workerSamples++;
                    }
                }

                windowMoves = 0;
                tickInWindow = 0;
            }
        }

        if (shiftStart >= 0)
        {
            notRecovered++;
            recoveries.Add((s.DurationNs - shiftStart) / 1e6);
        }

        double measuredSeconds = Math.Max(1e-9, (s.DurationNs - s.WarmupNs) / (double)Second);
        int flappingFlows = 0;
        foreach (bool f in _flapped)
        {
            flappingFlows += f ? 1 : 0;
        }

        return new BalanceResult
        {
            Scenario = s,
            MaxOverMeanP50 = Quantile(ratios, 0.50),
            MaxOverMeanP99 = Quantile(ratios, 0.99),
            MaxOverMeanMax = Quantile(ratios, 1.0),
            RecoveryMeanMs = Mean(recoveries),
            RecoveryP50Ms = Quantile(recoveries, 0.50),
            RecoveryMaxMs = Quantile(recoveries, 1.0),
            ShiftsNotRecovered = notRecovered,
            Shifts = shifts,
            Moves = moves,
            CrossDomainMoves = crossDomain,
            CrossNodeMoves = crossNode,
            MovesPerSecond = moves / measuredSeconds,
            MigrationsPerSecond = migrations / measuredSeconds,
            FlappingMoves = flapping,
            FlappingFlows = flappingFlows,
            QueuedEventsMean = Mean(queued),
            QueuedEventsP99 = Quantile(queued, 0.99),
            QueuedEventsMax = Quantile(queued, 1.0),
            OverloadedShare = workerSamples == 0 ? 0 : overloadedSamples / (double)workerSamples,
            Series = series,
        };
    }

    /// <summary>The heaviest ranks each trade places with a random flow: new flows become heavy, on other workers.</summary>
    private void Shift()
    {
        for (int k = 0; k < Math.Min(_s.ShiftFlows, _s.Flows); k++)
        {
            int heavy = _flowOfRank[k];
            int other = Next(_s.Flows);
            if (other == heavy)
            {
                continue;
            }

            int otherRank = _rankOfFlow[other];
            int heavyOwner = _queue.Table[heavy];
            int otherOwner = _queue.Table[other];
            _offered[heavyOwner] += _rankRate[otherRank] - _rankRate[k];
            _offered[otherOwner] += _rankRate[k] - _rankRate[otherRank];
            _flowOfRank[k] = other;
            _flowOfRank[otherRank] = heavy;
            _rankOfFlow[other] = k;
            _rankOfFlow[heavy] = otherRank;
        }
    }

    /// <summary>The protocol's end: the owner table names the target (as the device's forward step writes it).</summary>
    private void Move(int flow, int source, int target)
    {
        if (target == source)
        {
            return;
        }

        _queue.Table[flow] = (byte)target;
        int[] from = _owned[source];
        int last = from[--_ownedCount[source]];
        from[_position[flow]] = last;
        _position[last] = _position[flow];
        _position[flow] = _ownedCount[target];
        _owned[target][_ownedCount[target]++] = flow;
        double rate = RateOf(flow);
        _offered[source] -= rate;
        _offered[target] += rate;
    }

    /// <summary>Fills the worker's recent-event sample with 128 events of its flows, in proportion to their rates.</summary>
    private void DrawRecentEvents(int worker)
    {
        RecentFlows recent = _recent[worker];
        recent.Reset();
        int n = _ownedCount[worker];
        int[] owned = _owned[worker];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += RateOf(owned[i]);
            _cumulative[i] = sum;
        }

        for (int e = 0; e < RecentFlows.Capacity; e++)
        {
            double x = NextDouble() * sum;
            int i = _cumulative.AsSpan(0, n).BinarySearch(x);
            i = Math.Min(n - 1, i < 0 ? ~i : i);
            recent.Record(FlowHash.Key(0, owned[i]));
        }
    }

    private static double MaxOverMean(ReadOnlySpan<double> loads)
    {
        double max = 0, sum = 0;
        foreach (double load in loads)
        {
            max = Math.Max(max, load);
            sum += load;
        }

        return sum <= 0 ? 1 : max / (sum / loads.Length);
    }

    private static double Quantile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1 < 0 ? 0 : Math.Ceiling(q * sorted.Length) - 1)];
    }

    private static double Mean(List<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return values.Count == 0 ? 0 : sum / values.Count;
    }

    private ulong NextULong()
    {
        // xorshift64*: fixed, seeded, the same on every runtime.
        ulong x = _random;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        _random = x;
        return x * 0x2545F4914F6CDD1DUL;
    }

    private int Next(int bound) => (int)((NextULong() >> 11) % (ulong)bound);

    private double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));
}
