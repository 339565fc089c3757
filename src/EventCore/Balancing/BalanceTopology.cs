using System;

namespace Qos.EventCore.Balancing;

/// <summary>
/// Where ports sit, for balancing: ports are grouped into domains (ports sharing a cache) and domains into nodes
/// (NUMA). Moving a flow within a domain is cheap, across domains dearer, across nodes dearest. Immutable.
/// </summary>
public sealed class BalanceTopology
{
    private readonly byte[] _portDomain;
    private readonly byte[] _domainNode;

    /// <summary>A topology from each port's domain and each domain's node.</summary>
    /// <param name="portDomains">By port id: its domain, 0 to <c>domainNodes.Length - 1</c>.</param>
    /// <param name="domainNodes">By domain id: its node; nodes are numbered from 0 without gaps.</param>
    public BalanceTopology(ReadOnlySpan<int> portDomains, ReadOnlySpan<int> domainNodes)
    {
        if (portDomains.Length is < 1 or > EventDeviceConfig.MaxPorts)
        {
            throw new ArgumentOutOfRangeException(nameof(portDomains), portDomains.Length, $"portDomains.Length {portDomains.Length} must be from 1 to {EventDeviceConfig.MaxPorts}");
        }

        if (domainNodes.Length is < 1 or > EventDeviceConfig.MaxPorts)
        {
            throw new ArgumentOutOfRangeException(nameof(domainNodes), domainNodes.Length, $"domainNodes.Length {domainNodes.Length} must be from 1 to {EventDeviceConfig.MaxPorts}");
        }

        _portDomain = new byte[portDomains.Length];
        for (int p = 0; p < portDomains.Length; p++)
        {
            if ((uint)portDomains[p] >= (uint)domainNodes.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(portDomains), portDomains[p], $"portDomains[{p}] {portDomains[p]} must be a domain id from 0 to {domainNodes.Length - 1}");
            }

            _portDomain[p] = (byte)portDomains[p];
        }

        _domainNode = new byte[domainNodes.Length];
        int nodes = 0;
        for (int d = 0; d < domainNodes.Length; d++)
        {
            if ((uint)domainNodes[d] >= (uint)domainNodes.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(domainNodes), domainNodes[d], $"domainNodes[{d}] {domainNodes[d]} must be a node id from 0 to {domainNodes.Length - 1}");
            }

            _domainNode[d] = (byte)domainNodes[d];
            nodes = Math.Max(nodes, domainNodes[d] + 1);
        }

        NodeCount = nodes;
    }

    /// <summary>Number of ports described.</summary>
    public int PortCount => _portDomain.Length;

    /// <summary>Number of domains.</summary>
    public int DomainCount => _domainNode.Length;

    /// <summary>Number of nodes.</summary>
    public int NodeCount { get; }

    /// <summary>
    /// <paramref name="ports"/> ports in <paramref name="domains"/> equal domains (consecutive port ids) spread
    /// over <paramref name="nodes"/> equal nodes (consecutive domain ids).
    /// </summary>
    public static BalanceTopology Uniform(int ports, int domains, int nodes)
    {
        if (domains < 1 || nodes < 1 || domains > ports || nodes > domains)
        {
            throw new ArgumentOutOfRangeException(nameof(domains), domains, $"domains {domains} and nodes {nodes} must satisfy 1 <= nodes <= domains <= ports {ports}");
        }

        Span<int> portDomains = stackalloc int[ports];
        for (int p = 0; p < ports; p++)
        {
            portDomains[p] = (int)((long)p * domains / ports);
        }

        Span<int> domainNodes = stackalloc int[domains];
        for (int d = 0; d < domains; d++)
        {
            domainNodes[d] = (int)((long)d * nodes / domains);
        }

        return new BalanceTopology(portDomains, domainNodes);
    }

    /// <summary>The domain of port <paramref name="port"/>; a port beyond <see cref="PortCount"/> is in domain 0.</summary>
    public int DomainOf(int port) => (uint)port < (uint)_portDomain.Length ? _portDomain[port] : 0;

    /// <summary>The node of port <paramref name="port"/>.</summary>
    public int NodeOf(int port) => _domainNode[DomainOf(port)];

    /// <summary>The node of domain <paramref name="domain"/>.</summary>
    public int NodeOfDomain(int domain) => _domainNode[domain];
}
