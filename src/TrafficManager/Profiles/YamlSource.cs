using System;
using System.IO;
using System.Text;
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
    /// <summary>
    /// Characters in a document (4 MiB; a file of at most this many bytes always fits). Why 4 MiB: the bundled
    /// profiles are under 4 KB, and one that lists each of the 65,536 pipes a subport may have as its own group is
    /// 2.6 MB. A 4 MiB profile loads in about 1.5 s and 230 MB, and holds about half of <see cref="BoundedYamlParser.MaxNodes"/>.
    /// </summary>
    internal const int MaxLength = 4 * 1024 * 1024;

    private const int ReadChunk = 64 * 1024;

    /// <summary>Reads the file at <paramref name="path"/>, no further than <see cref="MaxLength"/> characters.</summary>
    /// <exception cref="ProfileException">The file cannot be read or is too large.</exception>
    public static string ReadFile(string path, string document)
    {
        try
        {
            // Why not File.ReadAllText: a multi-gigabyte file (or /dev/zero) would be read whole before being refused.
            using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
            var text = new StringBuilder();
            var chunk = new char[ReadChunk];
            int read;
            while ((read = reader.Read(chunk, 0, chunk.Length)) > 0)
            {
                text.Append(chunk, 0, read);
                if (text.Length > MaxLength)
                {
                    throw TooLarge(text.ToString(), document, path);
                }
            }

            return text.ToString();
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
        if (text.Length > MaxLength)
        {
            throw TooLarge(text, document, null);
        }

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

    /// <summary>The error for <paramref name="text"/> longer than <see cref="MaxLength"/>, at its first character past the limit.</summary>
    private static ProfileException TooLarge(string text, string document, string? path)
    {
        var within = text.AsSpan(0, MaxLength);
        int line = 1 + within.Count('\n');
        int column = MaxLength - within.LastIndexOf('\n');
        string what = path is null ? "is" : $"'{path}' is";
        return new ProfileException(document, path, $"{what} larger than 4 MiB ({MaxLength} characters)", line, column);
    }

    private static int ToInt(long value) => (int)Math.Clamp(value, 0, int.MaxValue);

    /// <summary>YamlDotNet's message without the position prefix it repeats: <c>(Line: 3, Col: 5, Idx: 20) - (...): text</c>.</summary>
    private static string Describe(YamlException e)
    {
        string message = e.Message;
        int cut = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith('(') && cut >= 0 ? message[(cut + 3)..] : message;
    }
}
