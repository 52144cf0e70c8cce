using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SystemImage.Core.Compression;
using SystemImage.Core.Images.Parts;
using SystemImage.Core.Tests.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Images.Parts;

/// <summary>
/// A temporary directory with <c>inputs/</c> (uploaded files) and <c>work/</c> (the preparer's output), and a way to
/// make realistic part tarballs there with the system's tar, gzip, xz, zstd and bzip2. Deleted on dispose.
/// </summary>
internal sealed class PartWorkspace : IDisposable
{
    public PartWorkspace()
    {
        Directory.CreateDirectory(Inputs);
        Directory.CreateDirectory(Work);
    }

    public string Root { get; } = Directory.CreateTempSubdirectory("parts-tests-").FullName;

    public string Inputs => Path.Combine(Root, "inputs");

    public string Work => Path.Combine(Root, "work");

    public static PartPreparer Preparer(int preset = 6, bool linkInputs = true, int maxEntries = 1_000_000) =>
        new(Options.Create(new XzOptions { Preset = preset }), Options.Create(new ArchiveLimitsOptions { MaxEntriesPerPart = maxEntries }), NullLogger<PartPreparer>.Instance)
        {
            LinkInputs = linkInputs,
        };

    public string Input(string name) => Path.Combine(Inputs, name);

    public string WriteInput(string name, byte[] content)
    {
        var path = Input(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>
    /// A small root filesystem tarred by GNU tar: text, semi-random binary data, a GNU long name, an absolute
    /// symlink (<c>etc/mtab -> /proc/mounts</c>, as the spec's rootfs has), a hard link and an empty directory.
    /// </summary>
    public async Task<string> TarAsync(string name = "part.tar", int dataBytes = 400_000)
    {
        var tree = Path.Combine(Root, "tree-" + Path.GetFileNameWithoutExtension(name));
        var system = Path.Combine(tree, "system");
        Directory.CreateDirectory(Path.Combine(system, "etc"));
        Directory.CreateDirectory(Path.Combine(system, "bin"));
        Directory.CreateDirectory(Path.Combine(system, "userdata"));
        var deep = Path.Combine(system, "usr", "share", "a-directory-name-long-enough", "to-need-a-gnu-long-name-entry", "in-the-tar-archive");
        Directory.CreateDirectory(deep);
        await File.WriteAllTextAsync(Path.Combine(system, "etc", "hello.txt"), string.Concat(Enumerable.Repeat("hello, device\n", 500)), Encoding.ASCII);
        await File.WriteAllBytesAsync(Path.Combine(system, "bin", "blob"), SemiRandomStream.Bytes(dataBytes, seed: 7));
        await File.WriteAllTextAsync(Path.Combine(deep, "with-a-file-at-the-end.conf"), "key=value\n");
        File.CreateSymbolicLink(Path.Combine(system, "etc", "mtab"), "/proc/mounts");
        await PartTools.RunAsync("ln", Path.Combine(system, "bin", "blob"), Path.Combine(system, "bin", "blob-again"));

        var path = Input(name);
        await PartTools.RunAsync("tar", "--create", "--file", path, "--owner=0", "--group=0", "--numeric-owner", "-C", tree, "system");
        return path;
    }

    public async Task<string> TarGzAsync(string name = "part.tar.gz")
    {
        var tar = await TarAsync(Path.GetFileNameWithoutExtension(name) + ".src.tar");
        var path = Input(name);
        await PartTools.RunToFileAsync(path, "gzip", "-c", "-6", "--", tar);
        return path;
    }

    public async Task<string> TarXzAsync(string name = "part.tar.xz")
    {
        var tar = await TarAsync(Path.GetFileNameWithoutExtension(name) + ".src.tar");
        var path = Input(name);
        await PartTools.RunToFileAsync(path, "xz", "-c", "-6", "--", tar);
        return path;
    }

    /// <summary>A .tar.zst made by the <c>zstd</c> tool from a file, so its frame declares the tar's size (as CI builds' do).</summary>
    public async Task<string> TarZstAsync(string name = "part.tar.zst")
    {
        var tar = await TarAsync(Path.GetFileNameWithoutExtension(name) + ".src.tar");
        var path = Input(name);
        await PartTools.RunAsync("zstd", "-q", "-19", "-o", path, "--", tar);
        return path;
    }

    public async Task<string> TarBz2Async(string name = "part.tar.bz2")
    {
        var tar = await TarAsync(Path.GetFileNameWithoutExtension(name) + ".src.tar");
        var path = Input(name);
        await PartTools.RunToFileAsync(path, "bzip2", "-c", "-9", "--", tar);
        return path;
    }

    /// <summary>Number of entries <c>tar -t</c> lists in <paramref name="archive"/>.</summary>
    public static async Task<int> CountEntriesAsync(string archive) =>
        (await PartTools.RunAsync("tar", "-tf", archive)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>Fails unless the work directory is empty: a refused or cancelled input leaves nothing behind.</summary>
    public void AssertWorkIsEmpty() => Assert.Empty(Directory.GetFileSystemEntries(Work));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
