namespace Qos.EventCore;

/// <summary>How a queue hands its events to the ports that serve it.</summary>
public enum ScheduleType : byte
{
    /// <summary>Events of one flow go to one port at a time, in the order they were enqueued.</summary>
    Atomic = 0,

    /// <summary>Events are spread by flow hash with no exclusivity or order promise; flows move without pausing.</summary>
    Parallel = 1,

    /// <summary>The queue is served by exactly one port (a TX stage, for example); its flows never move.</summary>
    SingleLink = 2,
}
