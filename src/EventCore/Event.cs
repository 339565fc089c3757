using System.Runtime.InteropServices;

namespace Qos.EventCore;

/// <summary>
/// A 16-byte event: a 64-bit payload (a handle or a value the application owns), the flow it belongs to, the
/// queue it is sent to, the operation and the schedule type. The device copies events by value and never looks
/// at the payload.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct Event
{
    /// <summary>The application's handle or value.</summary>
    [FieldOffset(0)]
    public ulong Payload;

    /// <summary>The flow: events of one flow on an atomic queue are processed one at a time, in order.</summary>
    [FieldOffset(8)]
    public uint FlowId;

    /// <summary>The destination queue (0 to the configured queue count - 1).</summary>
    [FieldOffset(12)]
    public byte QueueId;

    /// <summary>New, forward or release.</summary>
    [FieldOffset(13)]
    public EventOperation Operation;

    /// <summary>Set by the device to the destination queue's schedule type when the event is scheduled.</summary>
    [FieldOffset(14)]
    public ScheduleType ScheduleType;

    /// <summary>Free for the application (DPDK's sub-event type); carried unchanged.</summary>
    [FieldOffset(15)]
    public byte Tag;

    /// <summary>An event for <paramref name="queueId"/> on flow <paramref name="flowId"/>.</summary>
    public Event(uint flowId, byte queueId, EventOperation operation, ulong payload)
    {
        Payload = payload;
        FlowId = flowId;
        QueueId = queueId;
        Operation = operation;
        ScheduleType = ScheduleType.Atomic;
        Tag = 0;
    }
}
