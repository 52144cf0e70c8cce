using System.Formats.Tar;

namespace SystemImage.TestUtilities.Rootfs;

/// <summary>
/// An in-memory root file system in archive order: parents come before children and a hard link's file before the
/// link. Build one with <see cref="RootfsBuilder"/> or from entries; derive the next build with <see cref="NextBuild"/>.
/// </summary>
public sealed class RootfsTree(IEnumerable<RootfsEntry> entries)
{
    public IReadOnlyList<RootfsEntry> Entries { get; } = Validated(entries.ToList());

    public RootfsEntry this[string path] => Entries.Single(entry => entry.Path == path);

    public IEnumerable<RootfsEntry> OfType(TarEntryType type) => Entries.Where(entry => entry.Type == type);

    /// <summary>Replaces the entries with the same paths in place and appends the others.</summary>
    public RootfsTree With(params RootfsEntry[] changes)
    {
        var list = Entries.ToList();
        foreach (var change in changes)
        {
            var index = list.FindIndex(entry => entry.Path == change.Path);
            if (index >= 0)
            {
                list[index] = change;
            }
            else
            {
                list.Add(change);
            }
        }

        return new RootfsTree(list);
    }

    /// <summary>Drops <paramref name="path"/> and everything below it.</summary>
    public RootfsTree Without(string path) =>
        new(Entries.Where(entry => entry.Path != path && !entry.Path.StartsWith(path + "/", StringComparison.Ordinal)));

    /// <summary>The same tree with every mtime moved to <paramref name="time"/>.</summary>
    public RootfsTree TouchedAt(DateTimeOffset time) => new(Entries.Select(entry => entry with { ModificationTime = time }));

    /// <summary>
    /// The next build of this tree, deterministic for <paramref name="seed"/>: about <paramref name="changeShare"/>
    /// (0–1) of the files get new content, mode or owner, a share of entries is added and removed, symlinks and hard
    /// links are retargeted and a few paths change type. Half of all mtimes move whatever the share.
    /// </summary>
    public RootfsTree NextBuild(int seed, double changeShare) => RootfsNextBuild.Create(this, seed, changeShare);

    /// <summary>Writes a GNU tar. With <paramref name="namePrefix"/> <c>./</c> it also holds a <c>./</c> root entry, as <c>tar -C dir .</c> makes.</summary>
    public void WriteTar(Stream output, string namePrefix = "") => RootfsTar.Write(this, output, namePrefix);

    public byte[] ToTar(string namePrefix = "")
    {
        using var buffer = new MemoryStream();
        WriteTar(buffer, namePrefix);
        return buffer.ToArray();
    }

    /// <summary>Reads a tar written by <see cref="WriteTar"/> or by GNU tar (names normalised, the root entry skipped).</summary>
    public static RootfsTree ReadTar(Stream input) => RootfsTar.Read(input);

    /// <summary>The tree as extracted, for comparing with a delta applied to another tree.</summary>
    public RootfsSnapshot Snapshot() => RootfsSnapshot.FromTar(new MemoryStream(ToTar()));

    private static List<RootfsEntry> Validated(List<RootfsEntry> entries)
    {
        var seen = new Dictionary<string, TarEntryType>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Path.Length == 0 || entry.Path.StartsWith('/') || entry.Path.EndsWith('/') || entry.Path.Split('/').Any(s => s is "" or "." or ".."))
            {
                throw new ArgumentException($"'{entry.Path}' is not a normalised relative path.");
            }

            if (entry.Parent.Length > 0 && seen.GetValueOrDefault(entry.Parent) != TarEntryType.Directory)
            {
                throw new ArgumentException($"'{entry.Path}' comes before its parent directory.");
            }

            if (entry.Type == TarEntryType.HardLink && seen.GetValueOrDefault(entry.LinkTarget ?? "") != TarEntryType.RegularFile)
            {
                throw new ArgumentException($"The hard link '{entry.Path}' must follow the regular file '{entry.LinkTarget}'.");
            }

            if (!seen.TryAdd(entry.Path, entry.Type))
            {
                throw new ArgumentException($"'{entry.Path}' occurs twice.");
            }
        }

        return entries;
    }
}
