namespace Qos.EventCore;

/// <summary>One queue of the device.</summary>
/// <param name="Type">How the queue schedules its events.</param>
public readonly record struct QueueConfig(ScheduleType Type);
