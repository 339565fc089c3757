using System;
using System.Collections.Generic;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Qos.TrafficManager.Profiles;

/// <summary>
/// Passes YamlDotNet's parsing events on to <see cref="YamlDotNet.RepresentationModel.YamlStream"/> only once each is
/// known to build a well-formed and bounded node tree: collections that open and close in order, a value after every
/// key, one document, at most <see cref="MaxDepth"/> levels deep and <see cref="MaxNodes"/> nodes, aliases counted as
/// what they repeat. Anything else is a <see cref="ProfileException"/> at the event's position.
/// </summary>
/// <remarks>
/// Why a check on the event stream: YamlDotNet's <see cref="Parser"/> is iterative, but <c>YamlStream</c> builds nodes
/// recursively, a few stack frames per level, so 20,000 nested <c>{a: </c> overflow the stack, which .NET cannot catch:
/// the process dies. Each event is checked before <c>YamlStream</c> sees it, so no recursion (building, hashing keys,
/// the loaders' readers) ever goes deeper than <see cref="MaxDepth"/>. An alias is a reference to its anchor's node, so
/// it is checked as that node: as deep as the anchor's subtree, as many nodes, and never inside its own anchor, whose
/// node would then contain itself (<c>x: { &amp;a {*a : 1}: x }</c> sent YamlDotNet's key hashing into endless
/// recursion). Counting expanded nodes bounds the readers' work too: 23 KB of nested aliases (2,000 subports of
/// 2,000 pipe groups) once took 20 s to read.
/// </remarks>
internal sealed class BoundedYamlParser : IParser
{
    /// <summary>
    /// Levels of mappings and lists. Why 64: no profile or classifier can be deeper than 7 (a profile's
    /// <c>subports[0].congestion.red.0.green</c>; the bundled profiles reach 7), so 64 refuses nothing real, while
    /// YamlDotNet takes some 500 bytes of stack a level (2,000 levels overflow a 1 MiB stack), so 64 need about 32 KiB.
    /// </summary>
    internal const int MaxDepth = 64;

    /// <summary>
    /// Keys, values, mappings and lists, an alias counting as the nodes it repeats. Why a million: a profile that lists
    /// each of the 65,536 pipes a subport may have as its own group is about 330,000 nodes (2.6 MB); 4 MiB of plainly
    /// written profile (<see cref="YamlSource.MaxLength"/>) is about 540,000; and a million (196 subports of 1,000 pipe
    /// groups, by alias) load in about a second.
    /// </summary>
    internal const int MaxNodes = 1_000_000;

    private readonly IParser _inner;
    private readonly string _document;
    private readonly Stack<Node> _open = new();
    private readonly Dictionary<string, Node> _anchors = new(StringComparer.Ordinal);
    private long _nodes;
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
                _anchors.Clear();
                break;
            case DocumentEnd when _inDocument && _hasRoot && _open.Count == 0:
                _inDocument = false;
                break;
            case Scalar scalar:
                Place(e, Node.Scalar);
                Count(e, 1);
                if (!scalar.Anchor.IsEmpty)
                {
                    _anchors[scalar.Anchor.Value] = Node.Scalar;
                }

                break;
            case AnchorAlias alias:
                Alias(alias);
                break;
            case MappingStart or SequenceStart:
                Open(e, ((NodeEvent)e).Anchor);
                break;
            case MappingEnd or SequenceEnd when _open.Count > 0 && _open.Peek().IsMapping == e is MappingEnd:
                Close();
                break;
            default:
                throw Refuse("is not valid YAML: its mappings and lists do not nest properly here", e.Start);
        }
    }

    private void Open(ParsingEvent e, AnchorName anchor)
    {
        var node = new Node(e is MappingStart, _nodes);
        Place(e, node);
        Count(e, 1);
        if (_open.Count >= MaxDepth)
        {
            throw Refuse($"nests mappings and lists deeper than {MaxDepth} levels", e.Start);
        }

        // Why at the start: YamlDotNet registers an anchor when its node starts, so an alias inside the node names it.
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = node;
        }

        _open.Push(node);
    }

    private void Close()
    {
        var node = _open.Pop();
        if (node.IsMapping && node.Children % 2 == 1)
        {
            // Why: YamlDotNet ends a block mapping at a stray '}' (" : }") without the key's value, and the
            // representation model then fails with ArgumentException.
            throw Refuse("is not valid YAML: this key has no value", node.LastKey);
        }

        node.Close(_nodes);
        if (_open.TryPeek(out var parent))
        {
            parent.Contains(node);
        }
    }

    private void Alias(AnchorAlias alias)
    {
        string name = alias.Value.Value;
        if (!_anchors.TryGetValue(name, out var target))
        {
            throw Refuse($"alias '*{name}' names no anchor defined before it", alias.Start);
        }

        if (target.IsOpen)
        {
            throw Refuse($"alias '*{name}' is inside the node it names, which would contain itself", alias.Start);
        }

        Place(alias, target);
        if (_open.Count + target.Height > MaxDepth)
        {
            throw Refuse($"nests mappings and lists deeper than {MaxDepth} levels, counting the nodes alias '*{name}' repeats", alias.Start);
        }

        Count(alias, target.Size);
        if (_open.TryPeek(out var parent))
        {
            parent.Contains(target);
        }
    }

    private void Count(ParsingEvent e, long nodes)
    {
        _nodes += nodes;
        if (_nodes > MaxNodes)
        {
            throw Refuse($"holds more than {MaxNodes} nodes (keys, values, mappings and lists, an alias counting as the nodes it repeats)", e.Start);
        }
    }

    /// <summary>Accounts for <paramref name="node"/> starting at <paramref name="e"/>: the document's root, a key or a value.</summary>
    private void Place(ParsingEvent e, Node node)
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
            if (node.Height > 0)
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

    /// <summary>A mapping or list, open or closed, or any scalar (<see cref="Scalar"/>): what an alias to it repeats.</summary>
    private sealed class Node(bool isMapping, long nodesBefore)
    {
        /// <summary>Every scalar: one node, no levels.</summary>
        public static readonly Node Scalar = new(isMapping: false, nodesBefore: 0) { IsOpen = false, Size = 1, Height = 0 };

        public bool IsMapping { get; } = isMapping;

        /// <summary>Until its end event; an alias to an open node would be inside it.</summary>
        public bool IsOpen { get; private set; } = true;

        /// <summary>Keys and values so far; a mapping expects a key when even.</summary>
        public long Children { get; set; }

        public Mark LastKey { get; set; }

        /// <summary>Nodes in its subtree, itself included, once closed.</summary>
        public long Size { get; private set; }

        /// <summary>Levels of mappings and lists it spans: 1 for a collection of scalars, 0 for a scalar.</summary>
        public int Height { get; private set; } = 1;

        /// <summary>A child (a closed node or an alias's target) is inside this one.</summary>
        public void Contains(Node child) => Height = Math.Max(Height, child.Height + 1);

        public void Close(long nodesAfter)
        {
            IsOpen = false;
            Size = nodesAfter - nodesBefore;
        }
    }
}
