namespace Qos.TrafficManager.Pipeline;

/// <summary>What the pipeline's threads watch to stop, and what RX tells back.</summary>
internal sealed class StopSignals
{
    /// <summary>RX takes no more frames (it still attends its event port, which migrations need).</summary>
    public volatile bool StopRx;

    /// <summary>Every thread leaves its loop.</summary>
    public volatile bool StopAll;

    /// <summary>RX has left its receive loop: nothing more enters the device.</summary>
    public volatile bool RxLeft;

    /// <summary>RX has left and every frame it sent has left the event device: no more input will arrive (a
    /// virtual clock then lets shaped waits pass).</summary>
    public volatile bool InputDrained;

    public void Reset()
    {
        StopRx = false;
        StopAll = false;
        RxLeft = false;
        InputDrained = false;
    }
}
