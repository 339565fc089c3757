using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Qos.EventCore.Credits;

/// <summary>
/// The device's in-flight budget. Ports borrow credits in chunks (one per event they send) and give back surplus;
/// the credits on loan never go below zero nor above <see cref="MaxInflight"/>, which is checked before the
/// counter moves (compare-and-swap, never add-then-undo), so no observer ever sees it beyond the limit.
/// </summary>
internal sealed class CreditPool
{
    private PaddedCounter _onLoan;

    public CreditPool(int maxInflight, int newEventThreshold)
    {
        Debug.Assert(newEventThreshold >= 1 && newEventThreshold <= maxInflight, "the new-event threshold is within the limit");
        MaxInflight = maxInflight;
        NewEventThreshold = newEventThreshold;
    }

    public int MaxInflight { get; }

    public int NewEventThreshold { get; }

    public long OnLoan => Volatile.Read(ref _onLoan.Value);

    /// <summary>Borrows <paramref name="credits"/> if the loans stay within <paramref name="limit"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool TryBorrow(int credits, int limit)
    {
        Debug.Assert(credits > 0 && limit <= MaxInflight, "a loan is positive and its limit within the in-flight limit");
        long current = Volatile.Read(ref _onLoan.Value);
        while (true)
        {
            if (current + credits > limit)
            {
                return false;
            }

            long seen = Interlocked.CompareExchange(ref _onLoan.Value, current + credits, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }
    }

    public void Return(int credits)
    {
        long after = Interlocked.Add(ref _onLoan.Value, -credits);
        Debug.Assert(after >= 0, "credits on loan never go negative");
    }

    /// <summary>Only while no port is in use (stop): every loan is forgiven.</summary>
    public void Reset() => Volatile.Write(ref _onLoan.Value, 0);
}
