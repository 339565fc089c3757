namespace Qos.TrafficManager.Scheduling;

/// <summary>
/// One pipe in service. Grinders take turns one step at a time so that the memory a step asks for (prefetched
/// pipe state, queue heads) arrives while the other grinders work.
/// </summary>
internal unsafe struct Grinder
{
    /// <summary>Global pipe index, or -1 when the grinder is free.</summary>
    public int Pipe;

    /// <summary>What the next step does.</summary>
    public GrinderState State;

    /// <summary>
    /// Lowest queue bit still worth trying in this visit (class c is bit c; best effort is bits 12..15); a class
    /// that failed its cap is not retried.
    /// </summary>
    public int ClassCursor;

    /// <summary>The pipe's subport, cached at load so a step needs no lookup.</summary>
    public Subport? Subport;

    /// <summary>The pipe's profile, cached at load; a profile change while in service updates it.</summary>
    public PipeProfile? Profile;

    /// <summary>The pipe's shaping state, queue positions and first queue slot, resolved at load.</summary>
    public PipeState* ShapingState;

    /// <summary>The pipe's queue positions.</summary>
    public QueuePositions* Positions;

    /// <summary>The pipe's first queue slot.</summary>
    public Packets.Packet* Slots;
}
