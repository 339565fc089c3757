using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Qos.Shaping.Internal;

/// <summary>Throws out of line so that hot callers stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void OutOfRange(string parameter, object? value, string rule) =>
        throw new ArgumentOutOfRangeException(parameter, value, $"{parameter} ({value}) {rule}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void Argument(string parameter, string message) =>
        throw new ArgumentException(message, parameter);
}
