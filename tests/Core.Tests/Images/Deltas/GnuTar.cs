using System.Diagnostics;
using System.Security.Cryptography;
using SystemImage.TestUtilities;

namespace SystemImage.Core.Tests.Images.Deltas;

/// <summary>Runs the real GNU tar and <c>rm</c>, and lists what they left on disk.</summary>
internal static class GnuTar
{
    public static void Extract(string tarFile, string directory)
    {
        Directory.CreateDirectory(directory);
        Run(Tools.Require("tar"), ["--extract", "--numeric-owner", "--same-permissions", "--file", tarFile, "--directory", directory]);
    }

    /// <summary>Archives everything below <paramref name="directory"/> as <c>./…</c> names, the way image builds do.</summary>
    public static void Create(string directory, string tarFile) =>
        Run(Tools.Require("tar"), ["--create", "--numeric-owner", "--file", tarFile, "--directory", directory, "."]);

    /// <summary><c>rm -rf</c> each path below <paramref name="directory"/>.</summary>
    public static void RemoveRecursively(string directory, IEnumerable<string> paths)
    {
        var arguments = paths.Select(path => Path.Combine(directory, path)).ToList();
        if (arguments.Count > 0)
        {
            Run(Tools.Require("rm"), ["-rf", "--", .. arguments]);
        }
    }

    /// <summary>
    /// Every path below <paramref name="directory"/> with its type, mode, owner, device numbers, link target, content
    /// hash and the other paths sharing its inode; mtimes left out.
    /// </summary>
    public static SortedDictionary<string, string> List(string directory, bool withOwners)
    {
        var stat = Run(Tools.Require("bash"), ["-c", "cd \"$1\" && find . -mindepth 1 -print0 | xargs -0 -r stat --printf '%n\\t%F\\t%a\\t%u:%g\\t%t:%T\\t%i\\n'", "list", directory]);
        var rows = stat.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToList();
        var inodes = rows.GroupBy(row => row[5]).ToDictionary(group => group.Key, group => string.Join(",", group.Select(row => row[0][2..]).Order(StringComparer.Ordinal)));
        var listing = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var path = row[0][2..];
            var full = Path.Combine(directory, path);
            var device = row[1].Contains("special") ? row[4] : "";
            var link = row[1] == "symbolic link" ? new FileInfo(full).LinkTarget : "";
            var content = row[1].StartsWith("regular", StringComparison.Ordinal) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(full))) : "";
            var owner = withOwners ? row[3] : "";
            listing[path] = $"{row[1]} {row[2]} {owner} dev={device} link={link} sha={content} inode-shared-with=[{inodes[row[5]]}]";
        }

        return listing;
    }

    private static string Run(string tool, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(tool)} exited with {process.ExitCode}: {stderr.Result}");
        }

        return stdout;
    }
}
