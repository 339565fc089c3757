namespace Qos.EventCore.Migration;

/// <summary>The three messages of the migration protocol.</summary>
internal enum ControlMessageType : byte
{
    /// <summary>Pause the originating port's emigrating flows: buffer their events instead of sending them.</summary>
    Pause = 0,

    /// <summary>The flows have their new owners: stop pausing and send their buffered events.</summary>
    Unpause = 1,

    /// <summary>A pause or unpause was done.</summary>
    Confirm = 2,
}
