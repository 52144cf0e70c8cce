using System.Formats.Tar;

namespace SystemImage.Core.Images.Deltas;

/// <summary>Decides, from metadata and hashes only, which target entries the delta carries and which paths it removes.</summary>
internal sealed class DeltaPlan
{
    private DeltaPlan(IReadOnlyList<TargetEntry> target, bool[] include, IReadOnlyList<string> removed, DeltaStats stats)
    {
        Target = target;
        Include = include;
        Removed = removed;
        Stats = stats;
    }

    /// <summary>The target's entries in archive order.</summary>
    public IReadOnlyList<TargetEntry> Target { get; }

    /// <summary>Whether the entry at the same index of <see cref="Target"/> goes into the delta.</summary>
    public IReadOnlyList<bool> Include { get; }

    /// <summary>The lines of the <c>removed</c> list: every path after every path below it.</summary>
    public IReadOnlyList<string> Removed { get; }

    /// <summary>The counts; <see cref="DeltaStats.ContentBytes"/> is filled in when the delta is written.</summary>
    public DeltaStats Stats { get; }

    /// <summary>
    /// About how long the uncompressed delta will be: the carried entries' data and a header block each (long names
    /// add a little), plus the <c>removed</c> list; enough for xz to split the work across the cores.
    /// </summary>
    public long EstimatedTarSize
    {
        get
        {
            const long Block = 512;
            static long Padded(long size) => (size + Block - 1) / Block * Block;
            var size = Block + Padded(Removed.Sum(path => (long)path.Length + 1)) + 2 * Block;
            for (var i = 0; i < Target.Count; i++)
            {
                if (Include[i])
                {
                    var entry = Target[i];
                    size += Block + (entry.Fingerprint.Kind == TarEntryType.RegularFile ? Padded(entry.Fingerprint.Size) : 0);
                }
            }

            return size;
        }
    }

    public static DeltaPlan Create(IReadOnlyDictionary<string, EntryFingerprint> source, IReadOnlyList<TargetEntry> target)
    {
        // A path that occurs twice is what its last occurrence says, as when extracting.
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < target.Count; i++)
        {
            last[target[i].Path] = i;
        }

        var included = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, index) in last)
        {
            var fingerprint = target[index].Fingerprint;
            if (!source.TryGetValue(path, out var before) || fingerprint.Kind == TarEntryType.HardLink || !fingerprint.Matches(before))
            {
                included.Add(path);
            }
        }

        IncludeHardLinkTargets(target, included);
        var removed = RemovedPaths(source, target, last, included, out var removedCount);
        var include = target.Select(entry => included.Contains(entry.Path)).ToArray();
        var added = last.Keys.Count(path => !source.ContainsKey(path));
        var modified = included.Count(source.ContainsKey);
        var stats = new DeltaStats(removedCount, added, modified, last.Count - added - modified, 0);
        return new DeltaPlan(target, include, removed, stats);
    }

    /// <summary>
    /// A hard link is extracted as link(2) to a path the delta must have just written; the file may have kept its
    /// contents and still need a new inode, so every path a carried hard link names is carried too.
    /// </summary>
    private static void IncludeHardLinkTargets(IReadOnlyList<TargetEntry> target, HashSet<string> included)
    {
        var earlier = new Dictionary<string, TarEntryType>(StringComparer.Ordinal);
        foreach (var entry in target)
        {
            if (entry.Fingerprint is { Kind: TarEntryType.HardLink, LinkName: { } linked }
                && (!earlier.TryGetValue(linked, out var linkedKind) || linkedKind == TarEntryType.Directory))
            {
                throw new InvalidDataException($"The hard link '{entry.Path}' points to '{linked}', which is not an earlier file of the target.");
            }

            earlier[entry.Path] = entry.Fingerprint.Kind;
        }

        // Backwards, so that a carried hard link to another hard link also brings in what that one names.
        for (var i = target.Count - 1; i >= 0; i--)
        {
            if (target[i].Fingerprint is { Kind: TarEntryType.HardLink, LinkName: { } linked } && included.Contains(target[i].Path))
            {
                included.Add(linked);
            }
        }
    }

    private static List<string> RemovedPaths(
        IReadOnlyDictionary<string, EntryFingerprint> source,
        IReadOnlyList<TargetEntry> target,
        Dictionary<string, int> last,
        HashSet<string> included,
        out int removedCount)
    {
        // A tarball may leave out a directory's own entry and still hold files below it; extraction creates it.
        var targetImplicit = new HashSet<string>(last.Keys.SelectMany(TarPath.Ancestors), StringComparer.Ordinal);
        var sourceImplicit = source.Keys.SelectMany(TarPath.Ancestors).Where(path => !source.ContainsKey(path)).Distinct(StringComparer.Ordinal);
        var removed = new List<string>();
        removedCount = 0;
        foreach (var (path, isDirectory) in source.Select(pair => (pair.Key, pair.Value.IsDirectory)).Concat(sourceImplicit.Select(path => (path, true))))
        {
            if (path.Length == 0)
            {
                continue;
            }

            if (!last.TryGetValue(path, out var index))
            {
                if (isDirectory && targetImplicit.Contains(path))
                {
                    continue;
                }

                removedCount++;
                removed.Add(path);
            }
            else if (included.Contains(path) && !(isDirectory && target[index].Fingerprint.IsDirectory))
            {
                // A directory that stays a directory keeps its children: extraction only updates its metadata.
                removed.Add(path);
            }
        }

        if (removed.FirstOrDefault(path => path.Contains('\n')) is { } unlistable)
        {
            throw new InvalidDataException($"The path '{unlistable}' has a line break, so the removed list cannot name it.");
        }

        // Descending ordinal order puts every path before its parent, so deleting one level at a time works too.
        removed.Sort((a, b) => string.CompareOrdinal(b, a));
        return removed;
    }
}
