using System.Diagnostics.CodeAnalysis;

// Why: "TX queue" is the networking term (a NIC's transmit queue, DPDK's tx_queue); these types are not
// collections, so the rule that reserves the Queue suffix for System.Collections.Queue look-alikes does not apply.
[assembly: SuppressMessage(
    "Naming",
    "CA1711:Identifiers should not have incorrect suffix",
    Justification = "TX queue is the networking term; these are not collections.",
    Scope = "namespaceanddescendants",
    Target = "~N:Qos.TrafficManager.Egress")]
