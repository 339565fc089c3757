using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using NUnit.Framework;
using Qos.TrafficManager.Profiles;

namespace Qos.TrafficManager.Tests.Profiles;

/// <summary>
/// Mutated profiles (characters and lines deleted, duplicated, replaced; seeded) either load or fail with a
/// <see cref="ProfileException"/> that names a position or the whole profile: nothing else escapes, and the
/// loader's last-resort "internal error" never fires. <c>QOS_FUZZ_SEED</c> and <c>QOS_FUZZ_CASES</c> run other or
/// longer campaigns (the time bound then grows with the count).
/// </summary>
[TestFixture]
public sealed class ProfileFuzzTests
{
    private const int Cases = 4000;
    private static readonly string[] _tokens = ["{", "}", "[", "]", ":", "- ", "&a ", "*a", "!!str ", "\"", "'", "#", "\t", "\n", "  ", "-1", "0", "99999999999999999999",
        "1e400", "gbps", "KiB", "ms", "null", "~", "true", "pie", "red", "green", "<<: *a", "12:", "profile: x", "?", "|", ">", "%YAML 1.2\n", "---\n", "\u00e9", "\0"];

    [Test]
    public void Mutated_profiles_only_ever_throw_profile_exceptions()
    {
        string[] sources = Array.ConvertAll(Directory.GetFiles(Repository.ProfilesDirectory, "*.yaml"), File.ReadAllText);
        sources = [.. sources, IssueExample.Yaml];
        int seed = int.TryParse(Environment.GetEnvironmentVariable("QOS_FUZZ_SEED"), out int s) ? s : 20261122;
        int cases = int.TryParse(Environment.GetEnvironmentVariable("QOS_FUZZ_CASES"), out int c) ? c : Cases;
        var random = new Random(seed);
        // Why a fixed count and no time budget: the cases run must not depend on how busy the machine is
        // (4000 take about 2 s in Debug).
        var watch = Stopwatch.StartNew();
        int loaded = 0, refused = 0;
        for (int i = 0; i < cases; i++)
        {
            string yaml = Mutate(sources[random.Next(sources.Length)], random);
            try
            {
                ProfileLoader.Parse(yaml);
                loaded++;
            }
            catch (ProfileException e)
            {
                refused++;
                Assert.That(e.Message, Does.Not.Contain("internal error"), $"seed {seed} case {i}: the loader has a rule for every input\n{yaml}");
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed} case {i}: {e.GetType().Name} escaped the loader: {e.Message}\n{yaml}");
            }
        }

        Assert.That(loaded + refused, Is.EqualTo(cases), "every case ran to a result");
        Assert.That(refused, Is.Positive, "mutations break profiles");
        Assert.That(loaded, Is.Positive, "and some mutations leave a valid profile, so the valid path is fuzzed too");
        TestContext.Out.WriteLine($"{loaded} mutated profiles loaded, {refused} refused, in {watch.Elapsed.TotalSeconds:F1} s");
    }

    private static string Mutate(string text, Random random)
    {
        var sb = new StringBuilder(text);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && sb.Length > 0; e++)
        {
            int at = random.Next(sb.Length);
            switch (random.Next(7))
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
                    sb.Insert(at, _tokens[random.Next(_tokens.Length)]);
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
        string[] lines = sb.ToString().Split('\n');
        int i = random.Next(lines.Length);
        int j = random.Next(lines.Length);
        switch (random.Next(3))
        {
            case 0:
                lines[i] = "";
                break;
            case 1:
                lines[i] = lines[j];
                break;
            default:
                (lines[i], lines[j]) = (lines[j], lines[i]);
                break;
        }

        sb.Clear().Append(string.Join('\n', lines));
    }
}
