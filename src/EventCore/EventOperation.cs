namespace Qos.EventCore;

/// <summary>What an enqueued event asks of the device.</summary>
public enum EventOperation : byte
{
    /// <summary>A new event entering the device; refused first under back-pressure.</summary>
    New = 0,

    /// <summary>An event the port dequeued, sent on to a (usually next) queue; releases its atomic context.</summary>
    Forward = 1,

    /// <summary>Ends the processing of an event the port dequeued; the event leaves the device.</summary>
    Release = 2,
}
