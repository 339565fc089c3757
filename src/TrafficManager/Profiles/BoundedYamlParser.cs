using System;
using System.Collections.Generic;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// Passes YamlDotNet's parsing events on to <see cref="YamlDotNet.RepresentationModel.YamlStream"/> only once each is
/// known to build a well-formed node tree: collections that open and close in order, a value after every key, one
/// document. Anything else is a <see cref="ProfileException"/> at the event's position, so the representation model
/// never meets an event stream it would answer with an <see cref="ArgumentException"/>, and the scanner's own
/// <see cref="InvalidOperationException"/>s become YAML errors with a position.
/// </summary>
internal sealed class BoundedYamlParser : IParser
{
    private readonly IParser _inner;
    private readonly string _document;
    private readonly Stack<Node> _open = new();
    private bool _inDocument;
    private bool _sawDocument;
    private bool _hasRoot;

    /// <param name="inner">The parser to check, at the start of its stream.</param>
    /// <param name="document">What the text is, for the messages: <c>profile</c> or <c>classifier</c>.</param>
    public BoundedYamlParser(IParser inner, string document)
    {
        _inner = inner;
        _document = document;
    }

    public ParsingEvent? Current => _inner.Current;

    public bool MoveNext()
    {
        Mark after = _inner.Current?.End ?? Mark.Empty;
        bool more;
        try
        {
            more = _inner.MoveNext();
        }
        catch (Exception e) when (e is not YamlException and not OutOfMemoryException)
        {
            // Why: YamlDotNet's scanner throws InvalidOperationException ("Operation is not valid due to the current
            // state of the object") for some malformed text, e.g. ": {\nc", a plain value inside { } on a line indented
            // less than its block. Its message says nothing about the document; the end of the last good event does.
            throw Refuse("is not valid YAML: the text after this point cannot be parsed", after);
        }

        if (more)
        {
            Check(_inner.Current!);
        }

        return more;
    }

    private void Check(ParsingEvent e)
    {
        switch (e)
        {
            case StreamStart or StreamEnd when !_inDocument:
                break;
            case DocumentStart when !_inDocument:
                if (_sawDocument)
                {
                    throw Refuse("holds more than one YAML document", e.Start);
                }

                _inDocument = _sawDocument = true;
                break;
            case DocumentEnd when _inDocument && _hasRoot && _open.Count == 0:
                _inDocument = false;
                break;
            case Scalar:
                Place(e, collection: false);
                break;
            case AnchorAlias:
                Place(e, collection: false);
                break;
            case MappingStart or SequenceStart:
                Place(e, collection: true);
                _open.Push(new Node(e is MappingStart));
                break;
            case MappingEnd or SequenceEnd when _open.Count > 0 && _open.Peek().IsMapping == e is MappingEnd:
                var node = _open.Pop();
                if (node.IsMapping && node.Children % 2 == 1)
                {
                    // Why: YamlDotNet ends a block mapping at a stray '}' (" : }") without the key's value, and the
                    // representation model then fails with ArgumentException.
                    throw Refuse("is not valid YAML: this key has no value", node.LastKey);
                }

                break;
            default:
                throw Refuse("is not valid YAML: its mappings and lists do not nest properly here", e.Start);
        }
    }

    /// <summary>Accounts for a node starting at <paramref name="e"/>: the document's root, a key or a value.</summary>
    private void Place(ParsingEvent e, bool collection)
    {
        if (_open.Count == 0)
        {
            if (!_inDocument || _hasRoot)
            {
                throw Refuse("is not valid YAML: its mappings and lists do not nest properly here", e.Start);
            }

            _hasRoot = true;
            return;
        }

        var parent = _open.Peek();
        if (parent.IsMapping && parent.Children % 2 == 0)
        {
            if (collection)
            {
                // Why: no key of a profile or classifier is a mapping or list, and YamlDotNet hashes such keys
                // recursively.
                throw Refuse("a key must be a single value, not a mapping or list", e.Start);
            }

            parent.LastKey = e.Start;
        }

        parent.Children++;
    }

    private ProfileException Refuse(string rule, Mark at) => YamlSource.Error(_document, rule, at);

    /// <summary>An open mapping or list.</summary>
    private sealed class Node(bool isMapping)
    {
        public bool IsMapping { get; } = isMapping;

        /// <summary>Keys and values so far; a mapping expects a key when even.</summary>
        public long Children { get; set; }

        public Mark LastKey { get; set; }
    }
}
