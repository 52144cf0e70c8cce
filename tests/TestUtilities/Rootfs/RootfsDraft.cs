using System.Formats.Tar;

namespace SystemImage.TestUtilities.Rootfs;

/// <summary>A tree being built or changed: an ordered, editable entry list that keeps archive order valid.</summary>
internal sealed class RootfsDraft(Random random, IEnumerable<RootfsEntry> entries)
{
    private readonly HashSet<string> _paths = new(entries.Select(entry => entry.Path), StringComparer.Ordinal);

    public List<RootfsEntry> Entries { get; } = entries.ToList();

    public int Count => Entries.Count;

    public bool Exists(string path) => path.Length == 0 || _paths.Contains(path);

    public int IndexOf(string path) => Entries.FindIndex(entry => entry.Path == path);

    public RootfsEntry? Pick(Func<RootfsEntry, bool> filter)
    {
        var candidates = Entries.Where(filter).ToList();
        return candidates.Count == 0 ? null : candidates[random.Next(candidates.Count)];
    }

    public void Append(RootfsEntry entry)
    {
        Entries.Add(entry);
        _paths.Add(entry.Path);
    }

    /// <summary>Inserts at a random position after the parent directory and, for a hard link, after its file.</summary>
    public void InsertAnywhere(RootfsEntry entry)
    {
        var after = Math.Max(IndexOf(entry.Parent), entry.Type == TarEntryType.HardLink ? IndexOf(entry.LinkTarget!) : -1);
        Entries.Insert(random.Next(after + 1, Entries.Count + 1), entry);
        _paths.Add(entry.Path);
    }

    public void InsertAfter(string path, RootfsEntry entry)
    {
        Entries.Insert(IndexOf(path) + 1, entry);
        _paths.Add(entry.Path);
    }

    /// <summary>Puts <paramref name="entry"/> where the entry with the same path is.</summary>
    public void Replace(RootfsEntry entry) => Entries[IndexOf(entry.Path)] = entry;

    /// <summary>Removes <paramref name="path"/> (when <paramref name="self"/>) and everything below it; returns what went.</summary>
    public List<RootfsEntry> Remove(string path, bool self = true)
    {
        var removed = Entries.Where(entry => (self && entry.Path == path) || entry.Path.StartsWith(path + "/", StringComparison.Ordinal)).ToList();
        var paths = removed.Select(entry => entry.Path).ToHashSet(StringComparer.Ordinal);
        Entries.RemoveAll(entry => paths.Contains(entry.Path));
        _paths.ExceptWith(paths);
        return removed;
    }

    /// <summary>A path under <paramref name="parent"/> that no entry has yet.</summary>
    public string NewPath(string parent, string name)
    {
        var prefix = parent.Length == 0 ? "" : parent + "/";
        var path = prefix + name;
        for (var suffix = 2; Exists(path); suffix++)
        {
            path = $"{prefix}{name}-{suffix}";
        }

        return path;
    }

    /// <summary>
    /// Re-points hard links whose file went away or is no longer a regular file before them: the first such link
    /// becomes a regular file with the lost file's content and metadata, the later ones link to it.
    /// </summary>
    public void RepairHardLinks(IReadOnlyDictionary<string, RootfsEntry> lostFiles)
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        var promoted = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Entries.Count; i++)
        {
            var entry = Entries[i];
            if (entry.Type == TarEntryType.HardLink && !files.Contains(entry.LinkTarget!))
            {
                if (promoted.TryGetValue(entry.LinkTarget!, out var replacement))
                {
                    Entries[i] = entry = entry with { LinkTarget = replacement };
                }
                else
                {
                    var lost = lostFiles[entry.LinkTarget!];
                    promoted[entry.LinkTarget!] = entry.Path;
                    Entries[i] = entry = lost with { Path = entry.Path };
                }
            }

            if (entry.Type == TarEntryType.RegularFile)
            {
                files.Add(entry.Path);
            }
        }
    }

    public RootfsTree ToTree() => new(Entries);
}
