using System;
using Qos.TrafficManager.Scheduling;

namespace Qos.TrafficManager;

public sealed unsafe partial class PortScheduler
{
    /// <summary>
    /// Moves a pipe to another pipe profile without stopping traffic: its bucket keeps its credit (clamped to the
    /// new size), each class keeps what is left of its credit in the current class period (clamped to the new cap;
    /// the period ends no later than one new period from now), WRR restarts, and what is left of its best-effort
    /// allowance under oversubscription is kept (clamped to the new weight's) until the subport's next period.
    /// Queued packets stay.
    /// </summary>
    /// <remarks>A change is not a new period: changing profiles, even to the same one, gives no class credit back.</remarks>
    public void ChangePipeProfile(int subport, int pipe, int profile)
    {
        ThrowIfDisposed();
        AssertOwner();
        var sub = CheckSubport(subport);
        CheckPipe(sub, pipe);
        if ((uint)profile >= (uint)_pipeProfiles.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, $"pipe profile ({profile}) must be 0..{_pipeProfiles.Length - 1}");
        }

        SyncPortTime();
        ref PipeState state = ref _pipes[sub.FirstPipe + pipe];
        var from = _pipeProfiles[state.Profile];
        var to = _pipeProfiles[profile];
        state.Bucket.Refill(from.Bucket, _portTime);
        state.Bucket.Rebind(from.Bucket, to.Bucket);
        state.Classes.Rebind(from.Classes, to.Classes, _portTime);
        state.Wrr = default;
        if (state.OversubscriptionPeriod == sub.Period)
        {
            state.OversubscriptionCredits = Math.Min(state.OversubscriptionCredits, sub.Watermark.Allowance(to.OversubscriptionWeight));
        }

        state.Profile = profile;

        // Why: a grinder serving this pipe caches its profile; credits are now scaled for the new one.
        for (int g = 0; g < GrinderCount; g++)
        {
            if (_grinders[g].Pipe == sub.FirstPipe + pipe && _grinders[g].Profile is not null)
            {
                _grinders[g].Profile = to;
            }
        }

        GC.KeepAlive(this);
    }

    /// <summary>The pipe profile a pipe uses now.</summary>
    /// <remarks>Owner thread only (asserted in Debug builds).</remarks>
    public int PipeProfileOf(int subport, int pipe)
    {
        ThrowIfDisposed();
        AssertOwner();
        var sub = CheckSubport(subport);
        CheckPipe(sub, pipe);
        int profile = _pipes[sub.FirstPipe + pipe].Profile;
        GC.KeepAlive(this);
        return profile;
    }

    /// <summary>
    /// Moves a subport to another subport profile without stopping traffic: its bucket keeps its credit (clamped),
    /// each class keeps what is left of its credit in the current class period (clamped to the new cap; the period
    /// ends no later than one new period from now), and the oversubscription watermark restarts at its new maximum.
    /// </summary>
    public void ChangeSubportProfile(int subport, int profile)
    {
        ThrowIfDisposed();
        AssertOwner();
        var sub = CheckSubport(subport);
        if ((uint)profile >= (uint)_subportProfiles.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, $"subport profile ({profile}) must be 0..{_subportProfiles.Length - 1}");
        }

        SyncPortTime();
        sub.ChangeProfile(profile, _subportProfiles[profile], _portTime);
    }

    /// <summary>
    /// Turns best-effort oversubscription control on or off for a subport. Turned on, the watermark starts at
    /// its maximum (no restriction) and adapts from the next period on. The class credits are not touched.
    /// </summary>
    public void SetOversubscription(int subport, bool enabled)
    {
        ThrowIfDisposed();
        AssertOwner();
        var sub = CheckSubport(subport);
        if (sub.Oversubscription == enabled)
        {
            return;
        }

        SyncPortTime();
        sub.SetOversubscription(enabled, _portTime);
    }

    /// <summary>Whether best-effort oversubscription control is on for a subport.</summary>
    /// <remarks>Owner thread only (asserted in Debug builds).</remarks>
    public bool IsOversubscriptionEnabled(int subport)
    {
        ThrowIfDisposed();
        AssertOwner();
        return CheckSubport(subport).Oversubscription;
    }

    /// <summary>The subport's current best-effort watermark, in bytes per period per unit of pipe weight.</summary>
    /// <remarks>Owner thread only (asserted in Debug builds).</remarks>
    public long OversubscriptionWatermark(int subport)
    {
        ThrowIfDisposed();
        AssertOwner();
        return CheckSubport(subport).Watermark.Value;
    }
}
