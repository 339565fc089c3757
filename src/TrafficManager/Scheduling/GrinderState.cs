namespace Qos.TrafficManager.Scheduling;

/// <summary>The steps of a grinder: take a pipe, bring its credits up to date, send packets.</summary>
internal enum GrinderState : byte
{
    /// <summary>No pipe: take the next waiting one from the bitmap and prefetch its state.</summary>
    Free = 0,

    /// <summary>Pipe state is (being) fetched: refresh credits and prefetch the queue heads.</summary>
    Loading = 1,

    /// <summary>Send one packet per step until no class of the pipe can send.</summary>
    Sending = 2,
}
