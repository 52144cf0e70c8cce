using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace SystemImage.TestUtilities;

/// <summary>Small hand-written tarballs for tests that need a specific entry (for realistic trees use the rootfs builder).</summary>
public static class SimpleTarball
{
    /// <summary>Writes a .tar.gz with one regular file per (name, content) pair, plus the given extra entries.</summary>
    public static string WriteTarGz(string path, IEnumerable<(string Name, string Content)> files)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        WriteTar(gzip, files);
        return path;
    }

    /// <summary>
    /// <see cref="WriteBuild"/> compressed by the <c>zstd</c> or <c>bzip2</c> tool (a CI's <c>.tar.zst</c> or
    /// <c>.tar.bz2</c>) instead of gzip; a missing tool fails the test.
    /// </summary>
    public static string WriteBuildWith(string tool, string path, int build, int files = 200, double share = 0.1)
    {
        var tar = path + ".src.tar";
        using (var file = File.Create(tar))
        {
            WriteTar(file, BuildFiles(build, files, share));
        }

        var start = new ProcessStartInfo(Tools.Require(tool)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", "--", tar })
        {
            start.ArgumentList.Add(argument);
        }

        using (var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start."))
        using (var output = File.Create(path))
        {
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{tool} -c {tar} failed ({process.ExitCode}): {error.Result}");
            }
        }

        File.Delete(tar);
        return path;
    }

    /// <summary>A rootfs-like .tar.gz whose files depend on <paramref name="build"/>; <paramref name="share"/> of them change between builds.</summary>
    public static string WriteBuild(string path, int build, int files = 200, double share = 0.1) => WriteTarGz(path, BuildFiles(build, files, share));

    private static void WriteTar(Stream output, IEnumerable<(string Name, string Content)> files)
    {
        using var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        foreach (var (name, content) in files)
        {
            var entry = new GnuTarEntry(TarEntryType.RegularFile, name)
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                ModificationTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            };
            writer.WriteEntry(entry);
        }
    }

    private static List<(string, string)> BuildFiles(int build, int files, double share)
    {
        var random = new Random(42);
        var entries = new List<(string, string)>();
        for (var i = 0; i < files; i++)
        {
            var changes = random.NextDouble() < share;
            var words = string.Join(' ', Enumerable.Range(0, 200).Select(w => $"word{(i * 31 + w * 7) % 97}"));
            entries.Add(($"usr/share/doc/pkg{i:D4}/README", $"{words}\nbuild {(changes ? build : 0)}\n"));
        }

        return entries;
    }
}
