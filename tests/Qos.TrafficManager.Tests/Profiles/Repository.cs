using System.IO;
using NUnit.Framework;

namespace Qos.TrafficManager.Tests.Profiles;

/// <summary>Paths in the repository, found by walking up from the test binaries to <c>qos.sln</c>.</summary>
internal static class Repository
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "qos.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new DirectoryNotFoundException("qos.sln not found above the test directory");
        }
    }

    public static string ProfilesDirectory => Path.Combine(Root, "profiles");

    public static string Profile(string name) => Path.Combine(ProfilesDirectory, name);
}
