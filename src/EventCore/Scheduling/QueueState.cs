using System.Diagnostics;

namespace Qos.EventCore.Scheduling;

/// <summary>
/// A queue at run time: its type, the ports serving it and the flow-hash → owning-port table every sender reads
/// at enqueue time. An entry is written only by its owning port (migration), one byte at a time.
/// </summary>
internal sealed class QueueState
{
    public QueueState(int id, ScheduleType type)
    {
        Id = id;
        Type = type;
        Table = new byte[FlowHash.Count];
    }

    public int Id { get; }

    public ScheduleType Type { get; }

    public byte[] Table { get; }

    /// <summary>Bit p is set when port p is linked to (serves) this queue.</summary>
    public ulong ServingMask { get; set; }

    /// <summary>Whether flows of this queue may move (at least two serving ports and not single-link).</summary>
    public bool Migratable => Type != ScheduleType.SingleLink && ulong.PopCount(ServingMask) >= 2;

    /// <summary>Spreads initial owners round-robin over the serving ports.</summary>
    public void AssignInitialOwners()
    {
        Debug.Assert(ServingMask != 0, "a started queue has a serving port");
        int count = (int)ulong.PopCount(ServingMask);
        var serving = new byte[count];
        int k = 0;
        for (int p = 0; p < 64; p++)
        {
            if ((ServingMask & (1UL << p)) != 0)
            {
                serving[k++] = (byte)p;
            }
        }

        for (int h = 0; h < Table.Length; h++)
        {
            Table[h] = serving[h % count];
        }
    }
}
