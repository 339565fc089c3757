using System;
using System.Collections.Generic;
using System.Globalization;
using Qos.EventCore;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Configuration;
using Qos.TrafficManager.Pipeline;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// Turns a <see cref="PipelineDocument"/> into a <see cref="PipelineProfile"/>: compiles each port's hierarchy
/// (<see cref="ProfileCompiler"/>) and classifier (<see cref="Classifier.Create"/>), errors in the pipeline's terms
/// (<c>ports[1].pipe_profiles.default.rate</c>, in the file they are in), then checks names and the pipeline's settings
/// against the ranges <see cref="PipelineOptions"/>, <see cref="FramePool"/> and <see cref="EventDeviceConfig"/> accept,
/// so that <see cref="PipelineProfile.ToOptions"/> gives options a pipeline takes.
/// </summary>
internal static class PipelineProfileCompiler
{
    /// <summary>Why restated: <see cref="EventDeviceConfig"/> checks this range in its own validation, which says
    /// nothing of the profile; here the refusal names <c>pipeline.max_inflight</c> and its line.</summary>
    private const int MinInflight = 64;

    private const int MaxInflight = 1 << 20;

    /// <summary>The burst range <see cref="PipelineOptions"/> checks.</summary>
    private const int MaxBurst = 256;

    public static PipelineProfile Compile(PipelineDocument document)
    {
        if (document.Ports.Count == 0)
        {
            throw Error(document, "ports", null, $"is required: a list of 1 to {ProfileYamlReader.MaxPipelinePorts} ports");
        }

        var ports = new List<PipelinePortProfile>(document.Ports.Count);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int p = 0; p < document.Ports.Count; p++)
        {
            PipelinePortDocument port = document.Ports[p];
            if (port.Name is { } name && !names.TryAdd(name, p))
            {
                throw Error(document, $"{port.Path}.name", name, $"'{name}' is the name of ports[{names[name]}] too: names must be unique");
            }

            ports.Add(Port(port, p));
        }

        CheckSettings(document, ports);
        return new PipelineProfile(document, ports);
    }

    private static PipelinePortProfile Port(PipelinePortDocument port, int index)
    {
        PortConfig config;
        try
        {
            config = ProfileCompiler.Compile(port.Options);
        }
        catch (ProfileException e)
        {
            throw port.Nested(e, port.ProfileFile);
        }

        if (port.Options.Classifier is not { } section)
        {
            string where = port.ProfileFile is null ? "" : $" (the profile '{port.ProfileFile}' has none)";
            throw new ProfileException($"{port.Path}.classifier", null,
                $"is required: a classifier section maps frames onto this port's hierarchy{where}", port.Position.Line, port.Position.Column);
        }

        Classifier classifier;
        try
        {
            classifier = Classifier.Create(section, config);
        }
        catch (ProfileException e)
        {
            throw port.Nested(e, port.ClassifierFile);
        }

        return new PipelinePortProfile(index, port.Name, port.ProfileFile, port.Options, config, classifier);
    }

    private static void CheckSettings(PipelineDocument document, List<PipelinePortProfile> ports)
    {
        int maxWorkers = EventDeviceConfig.MaxPorts - 1 - ports.Count;
        Range(document, "pipeline.workers", document.Workers, 0, maxWorkers,
            $"the event device's {EventDeviceConfig.MaxPorts} ports, less RX and one per egress port ({ports.Count})");
        Range(document, "pipeline.burst", document.Burst, 1, MaxBurst, "events per burst at every stage");
        Range(document, "pipeline.pool_frames", document.PoolFrames, 1, FramePool.MaxCapacity, "frames in the pool");
        Range(document, "pipeline.max_inflight", document.MaxInflight, MinInflight, MaxInflight, "the event device's credits");
        if (document.FrameSize is { } size && (size < FramePool.MinFrameSize || size > FramePool.MaxFrameSize || size % 64 != 0))
        {
            throw Error(document, "pipeline.frame_size", Text(size), $"must be a multiple of 64 from {FramePool.MinFrameSize} to {FramePool.MaxFrameSize} bytes");
        }

        int frameSize = document.FrameSize ?? FramePool.DefaultFrameSize;
        foreach (PipelinePortProfile port in ports)
        {
            if (port.Config.Mtu <= frameSize)
            {
                continue;
            }

            string path = document.Ports[port.Index].Path;
            if (document.FrameSize is not null)
            {
                throw Error(document, "pipeline.frame_size", Text(frameSize), $"must hold every port's MTU: {path} has {port.Config.Mtu} bytes");
            }

            var (line, column) = port.Options.Source?.Find("port.mtu") ?? (0, 0);
            var error = new ProfileException("port.mtu", Text(port.Config.Mtu),
                $"must fit in a frame buffer of the pipeline's default frame_size ({frameSize} bytes): set pipeline.frame_size", line, column);
            throw document.Ports[port.Index].Nested(error, port.ProfileFile);
        }
    }

    private static void Range(PipelineDocument document, string path, int? value, int min, int max, string what)
    {
        if (value is { } v && (v < min || v > max))
        {
            throw Error(document, path, Text(v), $"must be from {min} to {max} ({what})");
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static ProfileException Error(PipelineDocument document, string path, string? value, string rule)
    {
        var (line, column) = document.Source.Find(path);
        if (line == 0)
        {
            (line, column) = document.Root;
        }

        return new ProfileException(path, value, rule, line, column);
    }
}
