using System.Diagnostics;
using SystemImage.Core.Images.Parts;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Images.Parts;

/// <summary>
/// Archives whose links are bad input: hard links to something that is not an earlier file of the archive, and
/// entries written through (or over) a symbolic link the archive itself makes. Each is refused as one line naming the
/// entry; the tests also show what GNU tar and Python's tarfile would make of them.
/// </summary>
public sealed class TarLinkRefusalTests : IDisposable
{
    private readonly PartWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task RefusesAHardLinkToANameNotInTheArchiveThatGnuTarCannotUnpack()
    {
        var tar = new TarballBuilder().WithFile("system/etc/hostname", "device\n").WithHardLink("system/etc/passwd", "system/etc/shadow").Build();
        var input = _workspace.WriteInput("dangling.tar", tar);

        var error = await RefuseAsync(input);

        Assert.Equal("tar entry 'system/etc/passwd' is a hard link to 'system/etc/shadow', which is not a file earlier in the archive", error);
        Assert.NotEqual(0, await GnuTarExtractAsync(input));
    }

    [Theory]
    [InlineData("later")]
    [InlineData("directory")]
    [InlineData("symbolic link")]
    [InlineData("itself")]
    public async Task RefusesAHardLinkToALaterEntryADirectoryASymbolicLinkOrItself(string to)
    {
        var builder = new TarballBuilder().WithDirectory("system/").WithDirectory("system/etc/").WithSymbolicLink("system/etc/mtab", "/proc/mounts");
        var target = to switch
        {
            "later" => "system/etc/hostname",
            "directory" => "system/etc",
            "symbolic link" => "system/etc/mtab",
            _ => "system/link",
        };
        builder.WithHardLink("system/link", target).WithFile("system/etc/hostname", "device\n");
        var input = _workspace.WriteInput("links.tar", builder.Build());

        var error = await RefuseAsync(input);

        Assert.StartsWith("tar entry 'system/link' is a hard link to ", error, StringComparison.Ordinal);
        Assert.Contains(to == "later" || to == "directory" ? "not a file earlier in the archive" : to, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptsHardLinksToEarlierFilesWhateverTheirSpelling()
    {
        var tar = new TarballBuilder()
            .WithDirectory("./")
            .WithDirectory("./system/")
            .WithFile("./system/bin/busybox", "elf")
            .WithHardLink("./system/bin/sh", "system/bin/busybox")
            .WithHardLink("system/bin/ls", "./system//bin/sh")
            .WithSymbolicLink("system/etc/mtab", "/proc/mounts")
            .WithSymbolicLink("system/vendor", "/android/system/vendor")
            .WithSymbolicLink("system/bin/dash", "busybox")
            .Build();
        var input = _workspace.WriteInput("fine.tar", tar);

        var result = await PartWorkspace.Preparer().PrepareAsync(input, PartCompression.Tar, _workspace.Work, CancellationToken.None);

        Assert.True(result.Error is null, result.Error);
        Assert.Equal(8, result.Part!.Entries);
        Assert.Equal(0, await GnuTarExtractAsync(input));
    }

    [Fact]
    public async Task RefusesAnEntryWrittenThroughASymbolicLinkThatPythonsTarfileFollowsOutOfTheTarget()
    {
        var outside = Directory.CreateTempSubdirectory("outside-").FullName;
        try
        {
            var tar = new TarballBuilder().WithSymbolicLink("system/lnk", outside).WithFile("system/lnk/pwned", "pwned\n").Build();
            var input = _workspace.WriteInput("through-link.tar", tar);

            var error = await RefuseAsync(input);

            Assert.Equal(
                $"tar entry 'system/lnk/pwned' lies below 'system/lnk', a symbolic link to '{outside}' outside the archive, so it would be written wherever that link points",
                error);
            await PythonExtractAsync(input);
            Assert.True(File.Exists(Path.Combine(outside, "pwned")), "Python's tarfile should have written outside its target, which is why this is refused");
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Theory]
    [InlineData("./system/lnk/pwned")]
    [InlineData("system//lnk/sub/pwned")]
    [InlineData("system/lnk/sub/")]
    public async Task RefusesEveryWayOfSpellingAPathThroughTheLink(string name)
    {
        var builder = new TarballBuilder().WithSymbolicLink("system/lnk", "/etc");
        var tar = (name.EndsWith('/') ? builder.WithDirectory(name) : builder.WithFile(name, "x")).Build();
        var input = _workspace.WriteInput("spelled.tar", tar);

        var error = await RefuseAsync(input);

        Assert.Contains("lies below 'system/lnk', a symbolic link to '/etc' outside the archive", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptsEntriesBelowARelativeLinkThatStaysInsideTheArchiveAsInAMergedUsrRootfs()
    {
        var tar = new TarballBuilder()
            .WithDirectory("system/usr/lib/")
            .WithSymbolicLink("system/lib", "usr/lib")
            .WithSymbolicLink("system/lib64", "./usr/../usr/lib")
            .WithDirectory("system/lib/modules/")
            .WithFile("system/lib64/modules/ld.so", "elf")
            .Build();
        var input = _workspace.WriteInput("merged-usr.tar", tar);

        var result = await PartWorkspace.Preparer().PrepareAsync(input, PartCompression.Tar, _workspace.Work, CancellationToken.None);

        Assert.True(result.Error is null, result.Error);
        var target = await PythonExtractAsync(input, keep: true);
        try
        {
            Assert.True(File.Exists(Path.Combine(target, "system", "usr", "lib", "modules", "ld.so")));
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Theory]
    [InlineData("up and out", "a symbolic link of the archive that leads out of it through '..'")]
    [InlineData("relative to absolute", "lies below 'system/usr/lib', a symbolic link to '/etc' outside the archive")]
    [InlineData("loop", "a symbolic link that goes round in a loop")]
    [InlineData("link over a directory reached through a link", "replaces the directory 'system/usr/lib/modules' with a symbolic link")]
    public async Task RefusesLinksThatLeadOutOfTheArchiveLoopOrMoveADirectory(string what, string expected)
    {
        var builder = new TarballBuilder().WithDirectory("system/");
        var tar = (what switch
        {
            "up and out" => builder.WithSymbolicLink("system/up", "../..").WithFile("system/up/etc/passwd", "x"),
            "relative to absolute" => builder.WithSymbolicLink("system/lib", "usr/lib").WithSymbolicLink("system/usr/lib", "/etc").WithFile("system/lib/passwd", "x"),
            "loop" => builder.WithSymbolicLink("system/a", "b").WithSymbolicLink("system/b", "a").WithFile("system/a/x", "x"),
            _ => builder.WithSymbolicLink("system/lib", "usr/lib").WithDirectory("system/lib/modules/").WithSymbolicLink("system/usr/lib/modules", "/etc"),
        }).Build();
        var input = _workspace.WriteInput("links-out.tar", tar);

        var error = await RefuseAsync(input);

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesAFileThatReplacesASymbolicLinkWhichPythonWouldWriteThrough()
    {
        var outside = Directory.CreateTempSubdirectory("outside-").FullName;
        var victim = Path.Combine(outside, "victim");
        File.WriteAllText(victim, "original\n");
        try
        {
            var tar = new TarballBuilder().WithSymbolicLink("system/lnk", victim).WithFile("system/lnk", "overwritten\n").Build();
            var input = _workspace.WriteInput("over-link.tar", tar);

            var error = await RefuseAsync(input);

            Assert.Equal("tar entry 'system/lnk' replaces 'system/lnk', a symbolic link earlier in the archive", error);
            await PythonExtractAsync(input);
            Assert.Equal("overwritten\n", File.ReadAllText(victim));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Theory]
    [InlineData("symbolic link after files below it", "replaces the directory 'system/d' with a symbolic link")]
    [InlineData("file below a file", "lies below 'system/f', which is not a directory earlier in the archive")]
    [InlineData("directory over a file", "makes a directory of 'system/f', which is not a directory earlier in the archive")]
    public async Task RefusesEntriesThatChangeWhatAnEarlierPathIs(string what, string expected)
    {
        var builder = new TarballBuilder().WithFile("system/d/file", "x").WithFile("system/f", "y");
        var tar = (what switch
        {
            "symbolic link after files below it" => builder.WithSymbolicLink("system/d", "/etc"),
            "file below a file" => builder.WithFile("system/f/g", "z"),
            _ => builder.WithDirectory("system/f/"),
        }).Build();
        var input = _workspace.WriteInput("changes.tar", tar);

        var error = await RefuseAsync(input);

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private async Task<string> RefuseAsync(string input)
    {
        var result = await PartWorkspace.Preparer().PrepareAsync(input, PartCompression.Tar, _workspace.Work, CancellationToken.None);

        Assert.Null(result.Part);
        var error = Assert.IsType<string>(result.Error);
        Assert.DoesNotContain('\n', error);
        _workspace.AssertWorkIsEmpty();
        return error;
    }

    /// <summary>Unpacks with GNU tar into a fresh directory and returns its exit code.</summary>
    private async Task<int> GnuTarExtractAsync(string input)
    {
        var target = Directory.CreateTempSubdirectory("gnu-tar-").FullName;
        try
        {
            using var process = Start(Tools.Require("tar"), "-xf", input, "-C", target);
            await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    /// <summary>
    /// Unpacks with Debian's Python tarfile (<c>extractall</c> without a filter, as older clients call it) into a fresh
    /// directory, deleted afterwards unless <paramref name="keep"/>; returns the directory.
    /// </summary>
    private static async Task<string> PythonExtractAsync(string input, bool keep = false)
    {
        var target = Directory.CreateTempSubdirectory("python-tar-").FullName;
        try
        {
            var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : Tools.Require("python3");
            using var process = Start(python, "-c", "import sys, tarfile\ntarfile.open(sys.argv[1]).extractall(sys.argv[2])", input, target);
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, errors);
            return target;
        }
        finally
        {
            if (!keep)
            {
                Directory.Delete(target, recursive: true);
            }
        }
    }

    private static Process Start(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start.");
    }
}
