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
        using var writer = new TarWriter(gzip, TarEntryFormat.Gnu);
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

        return path;
    }

    /// <summary>A rootfs-like .tar.gz whose files depend on <paramref name="build"/>; <paramref name="share"/> of them change between builds.</summary>
    public static string WriteBuild(string path, int build, int files = 200, double share = 0.1)
    {
        var random = new Random(42);
        var entries = new List<(string, string)>();
        for (var i = 0; i < files; i++)
        {
            var changes = random.NextDouble() < share;
            var words = string.Join(' ', Enumerable.Range(0, 200).Select(w => $"word{(i * 31 + w * 7) % 97}"));
            entries.Add(($"usr/share/doc/pkg{i:D4}/README", $"{words}\nbuild {(changes ? build : 0)}\n"));
        }

        return WriteTarGz(path, entries);
    }
}
