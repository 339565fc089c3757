using System.Collections.Generic;

namespace Qos.TrafficManager.Classification;

/// <summary>
/// One ordered rule: every condition given must hold (an absent one matches anything), and the first rule that
/// matches gives the frame <see cref="Path"/>. An IPv4 condition never matches an IPv6 frame, and the reverse.
/// </summary>
public sealed class ClassifierRuleOptions
{
    /// <summary>IPv4 source prefix, e.g. <c>10.1.0.0/16</c> (a bare address is a /32).</summary>
    public string? Ipv4Source { get; set; }

    /// <summary>IPv4 destination prefix.</summary>
    public string? Ipv4Destination { get; set; }

    /// <summary>IPv6 source prefix, e.g. <c>2001:db8::/32</c>.</summary>
    public string? Ipv6Source { get; set; }

    /// <summary>IPv6 destination prefix.</summary>
    public string? Ipv6Destination { get; set; }

    /// <summary>L4 source port or inclusive range, <c>5060</c> or <c>1024-65535</c>.</summary>
    public string? SourcePort { get; set; }

    /// <summary>L4 destination port or inclusive range.</summary>
    public string? DestinationPort { get; set; }

    /// <summary>IP protocol number (6 TCP, 17 UDP, ...).</summary>
    public int? Protocol { get; set; }

    /// <summary>DSCP values (0..63) any of which matches.</summary>
    public IList<int>? Dscp { get; set; }

    /// <summary>The path of a matching frame.</summary>
    public ClassifierPathOptions Path { get; set; } = new();
}
