using System;
using System.Diagnostics;
using System.Threading;

namespace Qos.EventCore.Threading;

/// <summary>
/// Debug builds only: asserts that a port is used by one thread at a time. A call marks the port with its thread
/// id and clears it on return; a call from another thread meanwhile fails the assertion.
/// </summary>
internal struct OwnerCheck
{
    private int _thread;

    [Conditional("DEBUG")]
    public void Enter()
    {
        int me = Environment.CurrentManagedThreadId;
        int previous = Interlocked.CompareExchange(ref _thread, me, 0);
        Debug.Assert(previous == 0 || previous == me, $"a port is used by one thread at a time (thread {me} entered while thread {previous} was inside)");
    }

    [Conditional("DEBUG")]
    public void Exit() => Volatile.Write(ref _thread, 0);
}
