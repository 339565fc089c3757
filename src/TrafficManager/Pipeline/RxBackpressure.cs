namespace Qos.TrafficManager.Pipeline;

/// <summary>What RX does with a burst the event device refuses (its credits are spent: workers or egress lag).</summary>
public enum RxBackpressure
{
    /// <summary>Drop the burst and count it (<see cref="PipelineDrops.RxBackpressure"/>), as a NIC whose receive ring is full.</summary>
    Drop,

    /// <summary>Hold the burst and retry until the device takes it: lossless, and the source waits (a finite
    /// source, an application that can wait, or a test). Frames held when the pipeline stops are dropped and counted.</summary>
    Wait,
}
