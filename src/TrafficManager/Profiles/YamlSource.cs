using System;
using System.IO;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// The one way the YAML loaders (<see cref="ProfileLoader"/>, <see cref="Classification.ClassifierLoader"/>) turn a
/// file or text into a node tree. Whatever the input, the only exception is a <see cref="ProfileException"/> whose
/// path is the kind of document (<c>profile</c>, <c>classifier</c>).
/// </summary>
internal static class YamlSource
{
    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="ProfileException">The file cannot be read.</exception>
    public static string ReadFile(string path, string document)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ProfileException(document, path, $"cannot be read: {e.Message}", 0, 0);
        }
    }

    /// <summary>Parses <paramref name="text"/>: the root node of its one document, or null when it holds none.</summary>
    /// <exception cref="ProfileException">The text is not YAML or holds more than one document.</exception>
    public static YamlNode? Load(string text, string document)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new BoundedYamlParser(new Parser(new StringReader(text)), document));
        }
        catch (YamlException e)
        {
            throw Error(document, $"is not valid YAML: {Describe(e)}", e.Start);
        }

        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    /// <summary>An error about the whole document at <paramref name="at"/>.</summary>
    public static ProfileException Error(string document, string rule, Mark at) =>
        new(document, null, rule, ToInt(at.Line), ToInt(at.Column));

    private static int ToInt(long value) => (int)Math.Clamp(value, 0, int.MaxValue);

    /// <summary>YamlDotNet's message without the position prefix it repeats: <c>(Line: 3, Col: 5, Idx: 20) - (...): text</c>.</summary>
    private static string Describe(YamlException e)
    {
        string message = e.Message;
        int cut = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith('(') && cut >= 0 ? message[(cut + 3)..] : message;
    }
}
