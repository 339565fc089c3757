using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Qos.Shaping.Randomness;

namespace Qos.TrafficManager.Pipeline;

/// <summary>
/// IPv4/UDP flows for a synthetic capture: flow <c>f</c> goes to 10.0.x.y with the pipe in the low 12 bits of the
/// destination (as <c>profiles/10gbe.yaml</c>'s classifier reads it), from its own source address and port, with a
/// DSCP drawn once per flow (10% EF, 5% each AF41, AF31, AF21, AF11, the rest 0). Flow popularity is uniform or
/// Zipf-distributed; frame sizes are drawn uniformly from a list (IMIX is 7:4:1 of 64, 594 and 1518 bytes:
/// <see cref="Imix"/>).
/// </summary>
public sealed class SyntheticFlows
{
    private static readonly byte[] _dscps = [46, 46, 34, 26, 18, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly int _pipes;
    private readonly byte[] _flowDscp;
    private readonly double[]? _cumulative;
    private readonly int[] _sizes;
    private Xorshift32 _random;

    /// <param name="flows">Number of flows (at least 1).</param>
    /// <param name="pipes">Pipes the destinations spread over (1 to 4096).</param>
    /// <param name="zipf">Zipf exponent of flow popularity; 0: uniform.</param>
    /// <param name="sizes">Frame sizes (64 to 65535 bytes), drawn uniformly; repeat a size to weigh it.</param>
    /// <param name="seed">Seed of the xorshift stream (not 0).</param>
    public SyntheticFlows(int flows, int pipes, double zipf, IReadOnlyList<int> sizes, uint seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(flows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pipes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pipes, 4096);
        ArgumentOutOfRangeException.ThrowIfNegative(zipf);
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count == 0)
        {
            throw new ArgumentException("sizes: at least one frame size", nameof(sizes));
        }

        _sizes = new int[sizes.Count];
        for (int i = 0; i < _sizes.Length; i++)
        {
            if (sizes[i] is < 64 or > ushort.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(sizes), sizes[i], $"sizes[{i}] {sizes[i]} must be from 64 to 65535 bytes");
            }

            _sizes[i] = sizes[i];
            MaxLength = Math.Max(MaxLength, sizes[i]);
        }

        _pipes = pipes;
        _random = new Xorshift32(seed);
        _flowDscp = new byte[flows];
        for (int f = 0; f < flows; f++)
        {
            _flowDscp[f] = _dscps[_random.Below((uint)_dscps.Length)];
        }

        if (zipf > 0)
        {
            _cumulative = new double[flows];
            double sum = 0;
            for (int f = 0; f < flows; f++)
            {
                sum += 1 / Math.Pow(f + 1, zipf);
                _cumulative[f] = sum;
            }

            for (int f = 0; f < flows; f++)
            {
                _cumulative[f] /= sum;
            }
        }
    }

    /// <summary>IMIX: 7:4:1 of 64, 594 and 1518 bytes (12 slots hold the ratio exactly).</summary>
    public static IReadOnlyList<int> Imix { get; } = [64, 64, 64, 64, 64, 64, 64, 594, 594, 594, 594, 1518];

    /// <summary>Number of flows.</summary>
    public int FlowCount => _flowDscp.Length;

    /// <summary>The longest frame it makes.</summary>
    public int MaxLength { get; }

    /// <summary>The mean frame length.</summary>
    public double MeanLength
    {
        get
        {
            double sum = 0;
            foreach (int size in _sizes)
            {
                sum += size;
            }

            return sum / _sizes.Length;
        }
    }

    /// <summary>Writes the next frame into <paramref name="buffer"/> (at least <see cref="MaxLength"/> bytes) and returns
    /// its length. Headers and the first 64 bytes are written; later payload bytes are left as the buffer held them.</summary>
    public int Next(Span<byte> buffer, out int flow)
    {
        flow = _cumulative is null ? (int)_random.Below((uint)_flowDscp.Length) : Pick(_random.Next() / 4294967296.0);
        int length = _sizes.Length == 1 ? _sizes[0] : _sizes[_random.Below((uint)_sizes.Length)];
        Build(buffer.Slice(0, length), flow);
        return length;
    }

    private int Pick(double u)
    {
        int i = Array.BinarySearch(_cumulative!, u);
        return Math.Min(i < 0 ? ~i : i, _cumulative!.Length - 1);
    }

    private void Build(Span<byte> f, int flow)
    {
        // Why only the headers: the payload's bytes are never read; clearing a 1518-byte frame per packet cost the
        // RX thread more than the rest of the frame's making. A buffer reused for frames keeps older payload bytes.
        f[..42].Clear();
        f[42..Math.Min(f.Length, 64)].Clear();
        ReadOnlySpan<byte> macs = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
        macs.CopyTo(f);
        BinaryPrimitives.WriteUInt16BigEndian(f.Slice(12), 0x0800);
        var ip = f.Slice(14, 20);
        ip[0] = 0x45;
        ip[1] = (byte)(_flowDscp[flow] << 2);
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(2), (ushort)(f.Length - 14));
        ip[8] = 64;
        ip[9] = 17;
        BinaryPrimitives.WriteUInt32BigEndian(ip.Slice(12), 0xC0A80001u + (uint)(flow >> 12));
        BinaryPrimitives.WriteUInt32BigEndian(ip.Slice(16), 0x0A000000u | (uint)((flow * 2654435761u) % (uint)_pipes));
        uint sum = 0;
        for (int i = 0; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(i));
        }

        sum = (sum & 0xFFFF) + (sum >> 16);
        sum += sum >> 16;
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(10), (ushort)~sum);
        var udp = f.Slice(34);
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)(1024 + (flow & 0xFFF)));
        BinaryPrimitives.WriteUInt16BigEndian(udp.Slice(2), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp.Slice(4), (ushort)(f.Length - 34));
    }
}
