using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using NUnit.Framework;
using Qos.TrafficManager.Classification;
using Qos.TrafficManager.Profiles;
using Qos.TrafficManager.Tests.Classification;

namespace Qos.TrafficManager.Tests.Profiles;

/// <summary>
/// Mutated profiles, pipeline profiles and classifier files (bits flipped; characters, YAML punctuation, tokens and deep nesting
/// inserted; characters and lines deleted, duplicated, swapped; truncated; seeded) either load or fail with a
/// <see cref="ProfileException"/> whose message is the loader's own: nothing else escapes, the loader's last-resort
/// "internal error" never fires, and nothing overflows the 256 KiB stack the campaign runs on. Each case has its own
/// generator, seeded from the campaign's seed and the case index, so a failure names both and prints the input.
/// <c>QOS_FUZZ_SEED</c> and <c>QOS_FUZZ_CASES</c> run other or longer campaigns.
/// </summary>
[TestFixture]
public sealed class ProfileFuzzTests
{
    // Why a fixed count and no time budget: the cases run must not depend on how busy the machine is
    // (20,000 of each take 2 to 4 s in Debug; 150,000 of each, 15 s; pipelines take about twice as long, a valid one
    // compiling two ports with their classifiers' offload tables).
    private const int Cases = 20_000;
    private const string Punctuation = "{}[]:,-&*!|>'\"#%@\t\n";
    private static readonly string[] _tokens = ["{", "}", "[", "]", ":", "- ", "&a ", "*a", "&wred ", "*wred", "? ", "!!str ", "!!map ", "\"", "'", "#",
        "\t", "\n", "  ", "-1", "0", "99999999999999999999", "1e400", "0x", "gbps", "KiB", "ms", "null", "~", "true", "pie", "red", "green", "<<: *a",
        "12:", "profile: x", "field: dscp", "map: {", "?", "|", ">", "%YAML 1.2\n", "---\n", "...\n", "\u00e9", "\ufeff", "\0"];

    private static readonly string[] _openers = ["{a: ", "[", "- ", "{", "? "];

    [Test]
    public void Mutated_profiles_only_ever_throw_profile_exceptions()
    {
        string[] sources = Array.ConvertAll(ShippedProfilesTests.PortProfiles(), f => File.ReadAllText(Repository.Profile(f)));
        Campaign("profile", [.. sources, IssueExample.Yaml], yaml => ProfileLoader.Parse(yaml));
    }

    [Test]
    public void Mutated_pipeline_profiles_only_ever_throw_profile_exceptions()
    {
        // The shipped pipeline profiles (their port profile files found beside them) and one with 10gbe.yaml inline.
        string folder = Repository.ProfilesDirectory;
        string[] sources = Array.ConvertAll(ShippedProfilesTests.PipelineProfiles(), f => File.ReadAllText(Repository.Profile(f)));
        Campaign("pipeline", [.. sources, LoaderEntryPoints.ValidDocument("PipelineProfileLoader.Parse")], yaml => PipelineProfileLoader.Parse(yaml, folder));
    }

    [Test]
    public void Mutated_classifiers_only_ever_throw_profile_exceptions()
    {
        // The classifier examples: the tests', README's and the one in 10gbe.yaml (a profile is a classifier file too).
        string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        int start = readme.IndexOf("```yaml\nclassifier:", StringComparison.Ordinal) + "```yaml\n".Length;
        string readmeExample = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        Assert.That(ClassifierLoader.Parse(readmeExample).Rules, Has.Count.EqualTo(1), "README's example is found and loads");

        Campaign("classifier", [ClassifierTests.Yaml, readmeExample, File.ReadAllText(Repository.Profile("10gbe.yaml"))], yaml => ClassifierLoader.Parse(yaml));
    }

    private static void Campaign(string what, string[] sources, Action<string> load)
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("QOS_FUZZ_SEED"), out int s) ? s : 20261122;
        int cases = int.TryParse(Environment.GetEnvironmentVariable("QOS_FUZZ_CASES"), out int c) ? c : Cases;
        var watch = Stopwatch.StartNew();
        int loaded = 0, refused = 0;
        string? failure = null;
        var thread = new Thread(
            () =>
            {
                for (int i = 0; i < cases && failure is null; i++)
                {
                    var random = new Random(unchecked((seed * 1_000_003) + i));
                    string yaml = Mutate(sources[random.Next(sources.Length)], random);
                    string? problem;
                    try
                    {
                        load(yaml);
                        loaded++;
                        continue;
                    }
                    catch (ProfileException e)
                    {
                        refused++;
                        problem = Problem(e.Message);
                    }
                    catch (Exception e)
                    {
                        problem = $"{e.GetType().Name} escaped the loader: {e.Message}";
                    }

                    if (problem is not null)
                    {
                        failure = $"{what} seed {seed} case {i}: {problem}\ninput: \"{HostileYamlTests.Escape(yaml)}\"";
                    }
                }
            },
            256 * 1024);
        thread.Start();
        thread.Join();

        Assert.That(failure, Is.Null, "every mutated input loads or is refused with the loader's own message");
        Assert.That(loaded + refused, Is.EqualTo(cases), "every case ran to a result");
        Assert.That(refused, Is.Positive, "mutations break documents");
        Assert.That(loaded, Is.Positive, "and some mutations leave a valid document, so the valid path is fuzzed too");
        TestContext.Out.WriteLine($"{loaded} mutated {what} files loaded, {refused} refused, in {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>What is wrong with a refusal's <paramref name="message"/>, or null when it is the loader's own.</summary>
    private static string? Problem(string message)
    {
        if (message.Length == 0)
        {
            return "the refusal has no message";
        }

        foreach (string leak in new[] { "internal error", "Operation is not valid", "(Parameter '", "unsupported type" })
        {
            if (message.Contains(leak, StringComparison.Ordinal))
            {
                return $"the message is not the loader's own: {message}";
            }
        }

        return null;
    }

    private static string Mutate(string text, Random random)
    {
        var sb = new StringBuilder(text);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && sb.Length > 0; e++)
        {
            int at = random.Next(sb.Length);
            switch (random.Next(12))
            {
                case 0:
                    sb.Remove(at, Math.Min(1 + random.Next(3), sb.Length - at));
                    break;
                case 1:
                    sb.Insert(at, sb[at]);
                    break;
                case 2:
                    sb[at] = (char)random.Next(32, 127);
                    break;
                case 3:
                    sb[at] = (char)(sb[at] ^ (1 << random.Next(8)));
                    break;
                case 4:
                case 5:
                    sb.Insert(at, _tokens[random.Next(_tokens.Length)]);
                    break;
                case 6:
                    sb.Insert(at, Punctuation[random.Next(Punctuation.Length)]);
                    break;
                case 7:
                    sb.Length = at;
                    break;
                case 8:
                    // Around the depth limit mostly, now and then far past it.
                    int depth = random.Next(10) == 0 ? 20_000 : random.Next(40, 90);
                    sb.Insert(at, _openers[random.Next(_openers.Length)], depth);
                    break;
                default:
                    MutateLine(sb, random);
                    break;
            }
        }

        return sb.ToString();
    }

    private static void MutateLine(StringBuilder sb, Random random)
    {
        var lines = new List<string>(sb.ToString().Split('\n'));
        int i = random.Next(lines.Count);
        int j = random.Next(lines.Count);
        switch (random.Next(4))
        {
            case 0:
                lines[i] = "";
                break;
            case 1:
                lines[i] = lines[j];
                break;
            case 2:
                lines.Insert(i, lines[j]);
                break;
            default:
                (lines[i], lines[j]) = (lines[j], lines[i]);
                break;
        }

        sb.Clear().Append(string.Join('\n', lines));
    }
}
