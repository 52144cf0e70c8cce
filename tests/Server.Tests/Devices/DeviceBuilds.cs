using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace SystemImage.Server.Tests.Devices;

/// <summary>
/// Rootfs builds as a CI would upload them (<c>.tar.gz</c>), sized so the device client's choice among upgrade paths
/// is never a tie: the client scores paths in whole MiB over the smallest, so every build holds 3 MiB that never
/// changes and 1.25 MiB that every build replaces. A full image is then ~4.3 MiB and a delta ~1.3 MiB: from build 0
/// the newest full wins, from the previous build its delta, from two builds back the chain of two deltas.
/// Incompressible bytes keep the sizes the same after xz. Each flavour has its own bytes, so its pool files are its own.
/// </summary>
public sealed class DeviceBuilds(string directory)
{
    private const int StableBytes = 3 << 20;
    private const int ChangingBytes = 5 << 18;
    private static readonly DateTimeOffset Time = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Dictionary<(string, int), string> _written = [];

    /// <summary>The <c>.tar.gz</c> of build <paramref name="build"/> of <paramref name="flavour"/>, written once.</summary>
    public string Rootfs(int build, string flavour = "ubuntu")
    {
        lock (_written)
        {
            if (!_written.TryGetValue((flavour, build), out var path))
            {
                path = Path.Combine(directory, $"{flavour}-{build}.tar.gz");
                Write(path, flavour, build);
                _written[(flavour, build)] = path;
            }

            return path;
        }
    }

    private static void Write(string path, string flavour, int build)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Gnu);
        var seed = flavour.Aggregate(17, (hash, c) => unchecked((hash * 31) + c));
        foreach (var name in new[] { "etc/", "usr/", "usr/lib/" })
        {
            tar.WriteEntry(Entry(TarEntryType.Directory, name, null));
        }

        tar.WriteEntry(Entry(TarEntryType.RegularFile, "etc/os-release", Encoding.UTF8.GetBytes($"NAME=\"{flavour}\"\n")));
        tar.WriteEntry(Entry(TarEntryType.RegularFile, "etc/build", Encoding.UTF8.GetBytes($"{build}\n")));
        tar.WriteEntry(Entry(TarEntryType.RegularFile, "usr/lib/stable.bin", RandomBytes(seed, StableBytes)));
        tar.WriteEntry(Entry(TarEntryType.RegularFile, "usr/lib/changing.bin", RandomBytes(unchecked(seed + (7919 * build)), ChangingBytes)));
        tar.WriteEntry(Entry(TarEntryType.SymbolicLink, "usr/lib/current.bin", null, "changing.bin"));
    }

    private static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static GnuTarEntry Entry(TarEntryType type, string name, byte[]? content, string? link = null)
    {
        var entry = new GnuTarEntry(type, name)
        {
            Mode = type == TarEntryType.Directory ? (UnixFileMode)Convert.ToInt32("755", 8) : (UnixFileMode)Convert.ToInt32("644", 8),
            ModificationTime = Time,
            UserName = "root",
            GroupName = "root",
        };
        if (content is not null)
        {
            entry.DataStream = new MemoryStream(content);
        }

        if (link is not null)
        {
            entry.LinkName = link;
        }

        return entry;
    }
}
