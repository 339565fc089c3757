using System;
using System.Runtime.InteropServices;

namespace Qos.TrafficManager.Internal;

/// <summary>Asks Linux to back a large block with transparent huge pages; a no-op where that is not possible.</summary>
internal static unsafe partial class HugePages
{
    private const int MadviseHugePage = 14;

    public static void Advise(void* address, nuint bytes)
    {
        try
        {
            _ = Madvise(address, bytes, MadviseHugePage);
        }
        catch (DllNotFoundException)
        {
            // Not Linux's libc: nothing to advise.
        }
        catch (EntryPointNotFoundException)
        {
            // Not Linux's libc: nothing to advise.
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
