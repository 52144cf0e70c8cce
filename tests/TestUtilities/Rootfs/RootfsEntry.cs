using System.Formats.Tar;
using System.Text;

namespace SystemImage.TestUtilities.Rootfs;

/// <summary>
/// One entry of a <see cref="RootfsTree"/>. <see cref="Path"/> is normalised (no <c>./</c>, no trailing <c>/</c>).
/// A hard link's <see cref="LinkTarget"/> is the path of an earlier regular file; its own metadata is ignored, as the
/// link shares the file's inode.
/// </summary>
public sealed record RootfsEntry(string Path, TarEntryType Type)
{
    public static readonly DateTimeOffset DefaultTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public UnixFileMode Mode { get; init; } = (UnixFileMode)Convert.ToInt32("644", 8);

    public int Uid { get; init; }

    public int Gid { get; init; }

    public string UserName { get; init; } = "root";

    public string GroupName { get; init; } = "root";

    public DateTimeOffset ModificationTime { get; init; } = DefaultTime;

    /// <summary>A regular file's data; empty for everything else.</summary>
    public byte[] Content { get; init; } = [];

    public string? LinkTarget { get; init; }

    public int DeviceMajor { get; init; }

    public int DeviceMinor { get; init; }

    public static UnixFileMode Octal(string mode) => (UnixFileMode)Convert.ToInt32(mode, 8);

    public static RootfsEntry File(string path, string text, string mode = "644") => File(path, Encoding.UTF8.GetBytes(text), mode);

    public static RootfsEntry File(string path, byte[] content, string mode = "644") =>
        new(path, TarEntryType.RegularFile) { Content = content, Mode = Octal(mode) };

    public static RootfsEntry Directory(string path, string mode = "755") => new(path, TarEntryType.Directory) { Mode = Octal(mode) };

    public static RootfsEntry Symlink(string path, string target) =>
        new(path, TarEntryType.SymbolicLink) { LinkTarget = target, Mode = Octal("777") };

    public static RootfsEntry HardLink(string path, string target) => new(path, TarEntryType.HardLink) { LinkTarget = target };

    public static RootfsEntry Device(string path, TarEntryType type, int major, int minor) =>
        new(path, type) { DeviceMajor = major, DeviceMinor = minor, Mode = Octal("660") };

    public static RootfsEntry Fifo(string path) => new(path, TarEntryType.Fifo) { Mode = Octal("600") };

    public RootfsEntry OwnedBy(int uid, int gid, string userName, string groupName) =>
        this with { Uid = uid, Gid = gid, UserName = userName, GroupName = groupName };

    /// <summary>The parent directory's path, or the empty string at the top level.</summary>
    public string Parent => Path.LastIndexOf('/') is var slash and > 0 ? Path[..slash] : "";

    public int Depth => Path.Count(c => c == '/') + 1;

    /// <summary>True when <paramref name="other"/> lies below this entry's path.</summary>
    public bool Contains(string other) => other.Length > Path.Length && other[Path.Length] == '/' && other.StartsWith(Path, StringComparison.Ordinal);
}
