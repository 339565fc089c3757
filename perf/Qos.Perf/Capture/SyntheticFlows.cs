using System;
using System.Buffers.Binary;
using Qos.Perf.LineRate;
using Qos.Shaping.Randomness;

namespace Qos.Perf.Capture;

/// <summary>
/// IPv4/UDP flows for a synthetic capture: flow <c>f</c> goes to 10.0.x.y with the pipe in the low 12 bits of the
/// destination (as <c>profiles/10gbe.yaml</c>'s classifier reads it), from its own source address and port, with a
/// DSCP drawn once per flow (10% EF, 5% each AF41, AF31, AF21, AF11, the rest 0). Flow popularity is uniform or
/// Zipf-distributed; frame sizes come from a <see cref="FrameMix"/>.
/// </summary>
public sealed class SyntheticFlows
{
    private static readonly byte[] _dscps = [46, 46, 34, 26, 18, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly int _pipes;
    private readonly byte[] _flowDscp;
    private readonly double[]? _cumulative;
    private readonly FrameMix _frames;
    private Xorshift32 _random;

    public SyntheticFlows(int flows, int pipes, double zipf, FrameMix frames, uint seed)
    {
        _pipes = pipes;
        _frames = frames;
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

    /// <summary>Writes the next frame into <paramref name="buffer"/> and returns its length.</summary>
    public int Next(Span<byte> buffer, out int flow)
    {
        flow = _cumulative is null ? (int)_random.Below((uint)_flowDscp.Length) : Pick(_random.Next() / 4294967296.0);
        int length = _frames.Next(ref _random);
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
        f.Clear();
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
