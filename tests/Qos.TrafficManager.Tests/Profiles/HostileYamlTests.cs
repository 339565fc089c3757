using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using Qos.TrafficManager.Profiles;

namespace Qos.TrafficManager.Tests.Profiles;

/// <summary>
/// Hostile YAML through every loader entry point: each is refused with a <see cref="ProfileException"/> naming the
/// problem and where it is, never a library exception and never a crash of the process.
/// </summary>
[TestFixture]
public sealed class HostileYamlTests
{
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

    /// <summary>Runs <paramref name="entry"/> on <paramref name="yaml"/> and checks it throws a clean <see cref="ProfileException"/>.</summary>
    internal static ProfileException Refused(string entry, string yaml)
    {
        Exception? thrown = null;
        try
        {
            LoaderEntryPoints.Run(entry, yaml);
        }
        catch (Exception e)
        {
            thrown = e;
        }

        Assert.That(thrown, Is.InstanceOf<ProfileException>(), $"{entry} throws only ProfileException, here: {thrown}");
        var error = (ProfileException)thrown!;
        AssertClean(error.Message, entry);
        return error;
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
