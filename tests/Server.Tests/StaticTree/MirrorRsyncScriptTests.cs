using System.Diagnostics;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests.StaticTree;

/// <summary>
/// docs/mirror-rsync.sh on a small tree of its own, in both of its modes (told the changed paths, as the server runs it,
/// and by hand over the whole tree): a file rewritten with the same size within the same second, as a signature is when
/// two publishes follow each other, still reaches the mirror. rsync's own check (size and whole seconds) misses it.
/// </summary>
public sealed class MirrorRsyncScriptTests : IDisposable
{
    private static readonly string Script = Path.Combine(RepositoryRoot.Path, "docs", "mirror-rsync.sh");
    private readonly string _tree = Directory.CreateTempSubdirectory("mirror-tree-").FullName;
    private readonly string _mirror = Directory.CreateTempSubdirectory("mirror-copy-").FullName;
    private readonly string _lists = Directory.CreateTempSubdirectory("mirror-lists-").FullName;

    public MirrorRsyncScriptTests() => Tools.Require("rsync");

    public void Dispose()
    {
        foreach (var directory in new[] { _tree, _mirror, _lists })
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static readonly string[] Paths =
        ["pool/ab/abcdef.tar.xz", "gpg/image-signing.tar.xz.asc", "stable/mako/version-2.tar.xz.asc", "stable/mako/index.json.asc", "channels.json.asc"];

    /// <summary>Writes each file with <paramref name="content"/> (one letter, so every version has the same size) and one fixed time.</summary>
    private void Write(char content)
    {
        var time = new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);
        foreach (var path in Paths)
        {
            var full = Path.Combine(_tree, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (path.StartsWith("pool/", StringComparison.Ordinal) && File.Exists(full))
            {
                continue; // pool files are never rewritten
            }

            File.WriteAllText(full, new string(content, 600));
            File.SetLastWriteTimeUtc(full, time);
        }
    }

    private async Task RunAsync(bool byHand)
    {
        var start = new ProcessStartInfo(Script);
        start.ArgumentList.Add(_mirror);
        if (byHand)
        {
            start.ArgumentList.Add(_tree);
        }
        else
        {
            var changed = Path.Combine(_lists, "changed");
            await File.WriteAllLinesAsync(changed, Paths);
            start.Environment["SYSTEMIMAGE_PUBLISH_ROOT"] = _tree;
            start.Environment["SYSTEMIMAGE_CHANGED"] = changed;
            start.Environment["SYSTEMIMAGE_REMOVED"] = Path.Combine(_lists, "none");
        }

        await RunScriptAsync(start);
    }

    /// <summary>Runs the script as <paramref name="start"/> says and asserts it exits 0 (its stderr is the message otherwise).</summary>
    internal static async Task RunScriptAsync(ProcessStartInfo start)
    {
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        Assert.True(process.ExitCode == 0, errors);
    }

    private void AssertMirrorHolds(char content)
    {
        foreach (var path in Paths.Skip(1))
        {
            Assert.Equal((path, new string(content, 600)), (path, File.ReadAllText(Path.Combine(_mirror, path))));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFileRewrittenWithTheSameSizeAndTimeStillReachesTheMirror(bool byHand)
    {
        Write('A');
        await RunAsync(byHand);
        AssertMirrorHolds('A');

        Write('B');
        await RunAsync(byHand);
        AssertMirrorHolds('B');
        Assert.Equal(new string('A', 600), await File.ReadAllTextAsync(Path.Combine(_mirror, Paths[0])));
    }
}
