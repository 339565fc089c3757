using System;

namespace Qos.Perf.Cli;

/// <summary>A command-line mistake: reported in one line with exit code 2, never as a crash.</summary>
public sealed class UsageException(string message) : Exception(message);
