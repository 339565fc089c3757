using Qos.EventCore;
using Qos.TrafficManager.Pipeline;
using YamlDotNet.RepresentationModel;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// The pipeline document: optional <c>pipeline</c> settings and a <c>ports</c> list, each port either a port profile
/// inline (the single-port schema, read by <see cref="ReadNested"/>, plus <c>name</c>) or a reference
/// (<c>profile: FILE</c>, read as a profile document of its own, plus <c>name</c> and an optional <c>classifier</c>).
/// A port's errors are raised in the port profile's own terms and turned into the pipeline's here
/// (<see cref="PipelinePortDocument.Nested"/>), so the single-port reader needs no idea of where it sits.
/// </summary>
internal sealed partial class ProfileYamlReader
{
    /// <summary>
    /// Ports a pipeline has at most. Why 15: the event device has at most <see cref="EventDeviceConfig.MaxQueues"/>
    /// queues, and the workers' atomic queue takes one; checked before any port is read, so that a long list of
    /// references never reads one file past the limit.
    /// </summary>
    internal const int MaxPipelinePorts = EventDeviceConfig.MaxQueues - 1;

    private static readonly string[] _pipelineRootKeys = ["pipeline", "ports"];
    private static readonly string[] _pipelineKeys = ["workers", "burst", "pool_frames", "frame_size", "rx_backpressure", "max_inflight"];
    private static readonly string[] _inlinePortKeys = ["name", "profile"];
    private static readonly string[] _referencePortKeys = ["name", "profile", "classifier"];

    /// <summary>Reads the pipeline profile <paramref name="text"/>; port files are found relative to <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="ProfileException">The text, or a port profile file it names, is not YAML or not shaped like one.</exception>
    public static PipelineDocument ReadPipeline(string text, string? baseDirectory)
    {
        var root = YamlSource.Load(text, "pipeline")
            ?? throw new ProfileException("pipeline", null, "is empty: a pipeline profile needs ports (and may have pipeline)", 0, 0);
        var document = new PipelineDocument { Root = (ToInt(root.Start.Line), ToInt(root.Start.Column)) };
        new ProfileYamlReader(document.Source, "pipeline").ReadPipelineRoot(root, document, baseDirectory);
        return document;
    }

    private void ReadPipelineRoot(YamlNode root, PipelineDocument document, string? baseDirectory)
    {
        foreach (var (key, value, path) in Entries(root, "", "a pipeline profile (pipeline, ports)", _pipelineRootKeys))
        {
            if (key == "pipeline")
            {
                ReadPipelineSettings(value, path, document);
                continue;
            }

            var ports = Sequence(value, path, "a list of ports").Children;
            if (ports.Count == 0)
            {
                throw Fail(value, path, null, $"must list at least one port (and at most {MaxPipelinePorts})");
            }

            if (ports.Count > MaxPipelinePorts)
            {
                throw Fail(ports[MaxPipelinePorts], $"{path}[{MaxPipelinePorts}]", null,
                    $"a pipeline has at most {MaxPipelinePorts} ports (the event device's {EventDeviceConfig.MaxQueues} queues, less the workers' one)");
            }

            for (int i = 0; i < ports.Count; i++)
            {
                string at = $"{path}[{i}]";
                Record(at, ports[i]);
                document.Ports.Add(ReadPipelinePort(ports[i], at, baseDirectory));
            }
        }
    }

    private void ReadPipelineSettings(YamlNode node, string path, PipelineDocument document)
    {
        foreach (var (key, value, at) in Entries(node, path, "the pipeline's settings (workers, burst, pool_frames, frame_size, rx_backpressure, max_inflight)", _pipelineKeys))
        {
            switch (key)
            {
                case "workers":
                    document.Workers = Int(value, at);
                    break;
                case "burst":
                    document.Burst = Int(value, at);
                    break;
                case "pool_frames":
                    document.PoolFrames = Int(value, at);
                    break;
                case "frame_size":
                    document.FrameSize = Int(value, at);
                    break;
                case "max_inflight":
                    document.MaxInflight = Int(value, at);
                    break;
                default:
                    string text = Scalar(value, at);
                    document.RxBackpressure = text switch
                    {
                        "drop" => RxBackpressure.Drop,
                        "wait" => RxBackpressure.Wait,
                        _ => throw Fail(value, at, text, $"'{text}' must be drop or wait"),
                    };
                    break;
            }
        }
    }

    private PipelinePortDocument ReadPipelinePort(YamlNode node, string at, string? baseDirectory)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Fail(node, at, Text(node), "must be a port: a port profile (port, subport_profiles, pipe_profiles, subports, classifier) or a reference (profile: FILE), with an optional name");
        }

        var port = new PipelinePortDocument { Path = at, Position = (ToInt(node.Start.Line), ToInt(node.Start.Column)) };
        if (KeyNode(mapping, "profile") is null)
        {
            try
            {
                ReadNested(mapping, port.Options, _inlinePortKeys);
            }
            catch (ProfileException e)
            {
                throw port.Nested(e, null);
            }

            if (mapping.Children.TryGetValue(new YamlScalarNode("name"), out var name))
            {
                Record($"{at}.name", name);
                port.Name = Scalar(name, $"{at}.name");
            }

            return port;
        }

        YamlNode? reference = null;
        YamlNode? classifier = null;
        foreach (var (key, value, p) in Entries(mapping, at, "a port by reference (name, profile: FILE, classifier)", _referencePortKeys))
        {
            switch (key)
            {
                case "name":
                    port.Name = Scalar(value, p);
                    break;
                case "profile":
                    reference = value;
                    break;
                default:
                    classifier = value;
                    break;
            }
        }

        ReadReferencedProfile(reference!, $"{at}.profile", baseDirectory, port);
        if (classifier is not null)
        {
            if (port.Options.Classifier is not null)
            {
                throw Fail(KeyNode(mapping, "classifier")!, $"{at}.classifier", null,
                    $"is given twice: the profile '{port.ProfileFile}' has a classifier section too");
            }

            try
            {
                port.Options.Classifier = Classification.ClassifierLoader.ReadSection(classifier);
            }
            catch (ProfileException e)
            {
                throw port.Nested(e, null);
            }
        }

        return port;
    }

    private static void ReadReferencedProfile(YamlNode reference, string at, string? baseDirectory, PipelinePortDocument port)
    {
        string written = Scalar(reference, at);
        string file = System.IO.Path.Combine(baseDirectory ?? "", written);
        string text;
        try
        {
            text = YamlSource.ReadFile(file, "profile");
        }
        catch (ProfileException e) when (e.Line == 0)
        {
            // Why at the reference: the file could not be opened (missing, a folder, no permission), so there is no line
            // of it to point at; the rule carries the system's reason, with the path it tried.
            throw Fail(reference, at, written, e.Rule);
        }
        catch (ProfileException e)
        {
            throw port.Nested(e, file);
        }

        port.ProfileFile = file;
        try
        {
            Read(text, port.Options);
        }
        catch (ProfileException e)
        {
            throw port.Nested(e, file);
        }

        port.ClassifierFile = port.Options.Classifier is null ? null : file;
    }
}
