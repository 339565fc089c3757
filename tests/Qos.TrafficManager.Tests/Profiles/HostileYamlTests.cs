using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Profiles;

namespace Qos.TrafficManager.Tests.Profiles;

/// <summary>
/// Hostile YAML through every loader entry point: each is refused with a <see cref="ProfileException"/> naming the
/// problem and where it is, never a library exception and never a crash of the process. The loaders run on a thread
/// with a 256 KiB stack: a stack overflow cannot be caught in .NET, so a recursion the limits missed kills the test
/// host instead of failing a test.
/// </summary>
[TestFixture]
public sealed class HostileYamlTests
{
    private const int SmallStack = 256 * 1024;
    private const int Deep = 20_000;
    private static readonly string[] _openers = ["{a: ", "[", "- "];

    /// <summary>Texts that once escaped a loader as a library's exception (issue: the YAML loaders crash on hostile input).</summary>
    private static readonly (string Yaml, string Rule, int Line)[] _malformed =
    [
        (": {\nc", "is not valid YAML", 1),          // the scanner's InvalidOperationException
        (" : }", "this key has no value", 1),          // a block mapping ended by a stray '}': ArgumentException
        ("a: 1\n---\nb: 2\n", "more than one YAML document", 2),
        ("x: {[a]: 1}\n", "a key must be a single value", 1),
    ];

    private static IEnumerable<TestCaseData> Malformed() =>
        from entry in LoaderEntryPoints.Names
        from m in _malformed
        select new TestCaseData(entry, m.Yaml, m.Rule, m.Line).SetName($"{entry} refuses {Escape(m.Yaml)} with a position");

    [TestCaseSource(nameof(Malformed))]
    public void Malformed_yaml_is_a_profile_exception_with_a_position_not_a_library_exception(string entry, string yaml, string rule, int line)
    {
        var e = Refused(entry, yaml);

        Assert.That(e.Message, Does.Contain(rule), "the message names what is wrong");
        Assert.That(e.Line, Is.EqualTo(line), $"the error points at the offending line: {e.Message}");
        Assert.That(e.Column, Is.Positive, $"and column: {e.Message}");
    }

    private static IEnumerable<TestCaseData> DeepNesting() =>
        from entry in LoaderEntryPoints.Names
        from opener in _openers
        select new TestCaseData(entry, opener).SetName($"{entry} refuses {Deep} nested '{opener.Trim()}' on a small stack");

    [TestCaseSource(nameof(DeepNesting))]
    public void Deep_nesting_is_refused_at_the_limit_before_anything_recursive_runs(string entry, string opener)
    {
        string yaml = string.Concat(Enumerable.Repeat(opener, Deep));

        var e = Refused(entry, yaml);

        Assert.That(e.Rule, Is.EqualTo($"nests mappings and lists deeper than {BoundedYamlParser.MaxDepth} levels"), "the error names the limit");
        Assert.That((e.Line, e.Column), Is.EqualTo((1, (opener.Length * BoundedYamlParser.MaxDepth) + 1)),
            $"and points at the opening of level {BoundedYamlParser.MaxDepth + 1}");
    }

    [Test]
    public void Nesting_up_to_the_limit_is_parsed_and_one_level_more_is_refused()
    {
        static string Lists(int depth) => new string('[', depth) + new string(']', depth);

        Assert.That(YamlSource.Load(Lists(BoundedYamlParser.MaxDepth), "profile"), Is.Not.Null, $"{BoundedYamlParser.MaxDepth} levels are within the limit");
        var e = Assert.Throws<ProfileException>(() => YamlSource.Load(Lists(BoundedYamlParser.MaxDepth + 1), "profile"))!;
        Assert.That(e.Message, Does.Contain("deeper than 64 levels"), "one more is past it");
    }

    [Test]
    public void An_alias_counts_as_deep_as_the_node_it_repeats()
    {
        static string Yaml(int depthOfAlias) =>
            "a: &d " + new string('[', 40) + new string(']', 40) + "\nb: " + new string('[', depthOfAlias) + "*d" + new string(']', depthOfAlias) + "\n";

        Assert.That(YamlSource.Load(Yaml(23), "profile"), Is.Not.Null, "1 + 23 + 40 = 64 levels are within the limit");
        var e = Assert.Throws<ProfileException>(() => YamlSource.Load(Yaml(24), "profile"))!;
        Assert.That(e.Message, Does.StartWith("profile: nests mappings and lists deeper than 64 levels, counting the nodes alias '*d' repeats"),
            "1 + 24 + 40 levels are past it, though no text nests deeper than 25");
        Assert.That((e.Line, e.Column), Is.EqualTo((2, "b: ".Length + 24 + 1)), "the error points at the alias");
    }

    [TestCase("x: [&a [*a]]\n", "alias '*a' is inside the node it names")]
    [TestCase("x: &a { k: *a }\n", "alias '*a' is inside the node it names")]
    [TestCase("x: { &a {*a : 1}: x }\n", "a key must be a single value")] // YamlDotNet's key hashing recursed forever
    [TestCase("x: { ? &a [*a] : 1 }\n", "a key must be a single value")]
    [TestCase("x: &a [1]\ny: { *a : 1 }\n", "a key must be a single value")]
    [TestCase("x: *a\n", "alias '*a' names no anchor defined before it")]
    [TestCase("x: [*a, &a 1]\n", "alias '*a' names no anchor defined before it")]
    public void Aliases_that_would_make_a_node_contain_itself_or_a_key_a_tree_are_refused(string yaml, string rule)
    {
        foreach (string entry in LoaderEntryPoints.Names)
        {
            Assert.That(Refused(entry, yaml).Rule, Does.StartWith(rule), entry);
        }
    }

    [Test]
    public void Aliases_that_multiply_the_document_past_the_node_limit_are_refused()
    {
        // 2,000 subports, each an alias of one with 2,000 pipe groups: 23 KB of text, 20 million nodes to read.
        string head = IssueExample.Yaml[..IssueExample.Yaml.IndexOf("subports:", StringComparison.Ordinal)];
        string laughs = head + "subports:\n  - &s { profile: default, queue_sizes: 64, pipes: [&g { count: 1, profile: silver }"
            + string.Concat(Enumerable.Repeat(", *g", 2000)) + "] }\n" + string.Concat(Enumerable.Repeat("  - *s\n", 2000));
        // The classic: ten of ten of ten ... of one scalar, a billion nodes in 300 bytes.
        string billion = "l0: &l0 x\n" + string.Concat(Enumerable.Range(1, 9).Select(i => $"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]\n"));

        foreach (string entry in LoaderEntryPoints.Names)
        {
            foreach (string yaml in new[] { laughs, billion })
            {
                var e = Refused(entry, yaml);
                Assert.That(e.Rule, Does.StartWith($"holds more than {BoundedYamlParser.MaxNodes} nodes"), $"{entry}: the error names the limit");
                Assert.That(e.Line, Is.Positive, $"{entry}: and the line where it was passed");
            }
        }
    }

    [Test]
    public void A_document_of_exactly_the_size_limit_loads_and_one_character_more_is_refused_where_it_passes_the_limit()
    {
        foreach (string entry in LoaderEntryPoints.Names)
        {
            string document = LoaderEntryPoints.ValidDocument(entry);
            string padding = "#" + new string('-', YamlSource.MaxLength - document.Length - 2) + "\n";
            string full = padding + document;
            Assert.That(full, Has.Length.EqualTo(YamlSource.MaxLength), "the test's own arithmetic");

            Assert.DoesNotThrow(() => LoaderEntryPoints.Run(entry, full), $"{entry}: {YamlSource.MaxLength} characters are within the limit");

            var e = Refused(entry, full + "#");
            Assert.That(e.Rule, Does.EndWith($"larger than 4 MiB ({YamlSource.MaxLength} characters)"), $"{entry}: the error names the limit");
            Assert.That((e.Line, e.Column), Is.EqualTo((full.Count(c => c == '\n') + 1, 1)), $"{entry}: and points at the first character past it");
        }
    }

    [Test]
    public void An_endless_file_is_refused_once_past_the_size_limit_not_read_to_its_end()
    {
        const string Endless = "/dev/zero";
        if (!File.Exists(Endless))
        {
            Assert.Ignore($"{Endless} is not on this system");
        }

        var profile = Assert.Throws<ProfileException>(() => ProfileLoader.Load(Endless))!;
        var classifier = Assert.Throws<ProfileException>(() => ClassifierLoader.Load(Endless))!;
        var pipeline = Assert.Throws<ProfileException>(() => PipelineProfileLoader.Load(Endless))!;
        var port = Assert.Throws<ProfileException>(() => PipelineProfileLoader.Parse($"ports:\n  - profile: {Endless}\n"))!;
        var services = new ServiceCollection();
        services.AddTrafficManager(Endless);

        string expected = $"'{Endless}' is larger than 4 MiB ({YamlSource.MaxLength} characters) (line 1, col {YamlSource.MaxLength + 1})";
        Assert.That(profile.Message, Is.EqualTo("profile: " + expected), "the profile loader stops reading at the limit");
        Assert.That(classifier.Message, Is.EqualTo("classifier: " + expected), "so does the classifier loader");
        Assert.That(pipeline.Message, Is.EqualTo("pipeline: " + expected), "and the pipeline loader");
        Assert.That(port.Message, Is.EqualTo($"ports[0].profile: '{Endless}' is larger than 4 MiB ({YamlSource.MaxLength} characters) ({Endless}, line 1, col {YamlSource.MaxLength + 1})"),
            "also for a port profile file it refers to, the line being that file's");
        Assert.That(ValidationFailure(services), Is.EqualTo("profile: " + expected), "and AddTrafficManager reports it at start-up");
    }

    [Test]
    public void Deep_yaml_registered_with_AddTrafficManager_fails_validation_instead_of_killing_the_process()
    {
        string yaml = string.Concat(Enumerable.Repeat("{a: ", Deep));
        var fromText = new ServiceCollection();
        fromText.AddTrafficManagerYaml(yaml);

        string? failure = null;
        LoaderEntryPoints.FromFile(yaml, path =>
        {
            var fromFile = new ServiceCollection();
            fromFile.AddTrafficManager(path);
            failure = ValidationFailure(fromFile);
        });

        const string Expected = "profile: nests mappings and lists deeper than 64 levels (line 1, col 257)";
        Assert.That(ValidationFailure(fromText), Is.EqualTo(Expected), "AddTrafficManagerYaml reports the limit at start-up");
        Assert.That(failure, Is.EqualTo(Expected), "and so does AddTrafficManager with a file");
    }

    [Test]
    public void Malformed_yaml_registered_with_AddTrafficManager_fails_validation_with_the_loader_message()
    {
        var services = new ServiceCollection();
        services.AddTrafficManagerYaml(": {\nc");
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate())!;
        Assert.That(e.Failures.Single(), Does.StartWith("profile: is not valid YAML").And.EndWith("(line 1, col 3)"),
            "start-up validation reports the loader's error, position included");
        AssertClean(e.Failures.Single(), "AddTrafficManagerYaml");
    }

    /// <summary>Start-up validation of <paramref name="services"/> on a small stack: its one failure.</summary>
    private static string ValidationFailure(ServiceCollection services)
    {
        using var provider = services.BuildServiceProvider();
        var thrown = OnSmallStack(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.That(thrown, Is.InstanceOf<OptionsValidationException>(), $"the profile's error is a validation failure, here: {thrown}");
        return ((OptionsValidationException)thrown!).Failures.Single();
    }

    /// <summary>Runs <paramref name="entry"/> on <paramref name="yaml"/> on a small stack and checks it throws a clean <see cref="ProfileException"/>.</summary>
    internal static ProfileException Refused(string entry, string yaml)
    {
        var thrown = OnSmallStack(() => LoaderEntryPoints.Run(entry, yaml));

        Assert.That(thrown, Is.InstanceOf<ProfileException>(), $"{entry} throws only ProfileException, here: {thrown}");
        var error = (ProfileException)thrown!;
        AssertClean(error.Message, entry);
        return error;
    }

    /// <summary>Runs <paramref name="action"/> on a thread with a <see cref="SmallStack"/>: what it threw, or null.</summary>
    private static Exception? OnSmallStack(Action action)
    {
        Exception? thrown = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    action();
                }
                catch (Exception e)
                {
                    thrown = e;
                }
            },
            SmallStack);
        thread.Start();
        thread.Join();
        return thrown;
    }

    /// <summary>A loader's message is its own: not empty, and no library's or last resort's wording.</summary>
    internal static void AssertClean(string message, string context)
    {
        Assert.That(message, Is.Not.Empty, $"{context}: every refusal says why");
        foreach (string leak in new[] { "internal error", "Operation is not valid", "(Parameter '", "unsupported type" })
        {
            Assert.That(message, Does.Not.Contain(leak), $"{context}: the message is the loader's own, not a library's");
        }
    }

    /// <summary><paramref name="text"/> as a C# literal body, to paste into a test.</summary>
    internal static string Escape(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        foreach (char c in text)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or > '~' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }
}
