using System.Formats.Tar;

namespace SystemImage.Core.Images.Deltas;

/// <summary>
/// Decides, from the two manifests alone, which target entries the delta carries and which paths it removes. The
/// manifests are streamed (the source twice, the target twice); what is held is a 128-bit key per path and per
/// fingerprint (<see cref="EntryKey"/>), a few bytes of flags per target entry and the removed paths, so a tarball of a
/// million entries plans in about 100 MB, however long its names.
/// </summary>
internal sealed class DeltaPlan
{
    private const long Block = 512;

    private readonly bool[] _include;

    private DeltaPlan(TarManifest target, bool[] include, RemovedList removed, DeltaStats stats, long estimatedTarSize)
    {
        Target = target;
        _include = include;
        Removed = removed;
        Stats = stats;
        EstimatedTarSize = estimatedTarSize;
    }

    /// <summary>The target's manifest; its entries come in archive order.</summary>
    public TarManifest Target { get; }

    /// <summary>The lines of the <c>removed</c> list: every path after every path below it.</summary>
    public RemovedList Removed { get; }

    /// <summary>The counts; <see cref="DeltaStats.ContentBytes"/> is filled in when the delta is written.</summary>
    public DeltaStats Stats { get; }

    /// <summary>
    /// About how long the uncompressed delta will be: the carried entries' data and a header block each (long names
    /// add a little), plus the <c>removed</c> list; enough for xz to split the work across the cores.
    /// </summary>
    public long EstimatedTarSize { get; }

    /// <summary>Whether the target entry at <paramref name="index"/> (in archive order) goes into the delta.</summary>
    public bool Includes(int index) => _include[index];

    /// <exception cref="InvalidDataException">The target has a hard link to a path that is not an earlier file, or a removed path has a line break.</exception>
    public static DeltaPlan Create(TarManifest source, TarManifest target, CancellationToken cancellationToken)
    {
        var seed = EntryKey.NewSeed();
        var sources = ReadSource(source, seed, cancellationToken);
        var scan = TargetScan.Read(target, sources, seed, cancellationToken);
        var included = scan.IncludedPaths();
        var include = new bool[target.Count];
        for (var i = 0; i < include.Length; i++)
        {
            include[i] = included[scan.Last[scan.Keys[i]]];
        }

        var (removed, removedCount) = RemovedPaths(source, sources, scan, included, seed, cancellationToken);
        var (added, modified) = (0, 0);
        foreach (var (key, last) in scan.Last)
        {
            if (!sources.ContainsKey(key))
            {
                added++;
            }
            else if (included[last])
            {
                modified++;
            }
        }

        var stats = new DeltaStats(removedCount, added, modified, scan.Last.Count - added - modified, 0);
        return new DeltaPlan(target, include, removed, stats, EstimateTarSize(target, include, removed, cancellationToken));
    }

    /// <summary>Path to (fingerprint, index of its last occurrence, whether that is a directory): the last occurrence wins, as when extracting.</summary>
    private static Dictionary<EntryKey, SourceEntry> ReadSource(TarManifest source, long seed, CancellationToken cancellationToken)
    {
        var sources = new Dictionary<EntryKey, SourceEntry>(source.Count);
        var index = 0;
        foreach (var (path, fingerprint) in source.ReadEntries(cancellationToken))
        {
            sources[EntryKey.OfPath(path, seed)] = new SourceEntry(EntryKey.OfFingerprint(fingerprint, seed), index++, fingerprint.IsDirectory);
        }

        return sources;
    }

    /// <summary>
    /// Every path of the source that the target no longer has (a directory the target only implies stays), and every
    /// carried path that the source had, except a directory that stays a directory; sorted children first.
    /// </summary>
    private static (RemovedList Removed, int RemovedCount) RemovedPaths(
        TarManifest source, Dictionary<EntryKey, SourceEntry> sources, TargetScan target, bool[] included, long seed, CancellationToken cancellationToken)
    {
        var removed = new RemovedList();
        var removedCount = 0;

        void Consider(string path, EntryKey key, bool isDirectory)
        {
            if (path.Length == 0)
            {
                return;
            }

            if (!target.Last.TryGetValue(key, out var index))
            {
                if (!(isDirectory && target.ImpliedDirectories.Contains(key)))
                {
                    removedCount++;
                    removed.Add(path);
                }
            }
            else if (included[index] && !(isDirectory && target.Kinds[index] == TarEntryType.Directory))
            {
                // A directory that stays a directory keeps its children: extraction only updates its metadata.
                removed.Add(path);
            }
        }

        // A tarball may leave out a directory's own entry and still hold files below it; such a directory counts too.
        var ancestors = new HashSet<EntryKey>();
        var at = 0;
        foreach (var (path, fingerprint) in source.ReadEntries(cancellationToken))
        {
            var key = EntryKey.OfPath(path, seed);
            if (sources[key].Index == at++)
            {
                Consider(path, key, fingerprint.IsDirectory);
            }

            foreach (var ancestor in TarPath.Ancestors(path))
            {
                var ancestorKey = EntryKey.OfPath(ancestor, seed);
                if (!ancestors.Add(ancestorKey))
                {
                    // Seen, and so were all the directories above it.
                    break;
                }

                if (!sources.ContainsKey(ancestorKey))
                {
                    Consider(ancestor, ancestorKey, isDirectory: true);
                }
            }
        }

        removed.Sort();
        return (removed, removedCount);
    }

    private static long EstimateTarSize(TarManifest target, bool[] include, RemovedList removed, CancellationToken cancellationToken)
    {
        static long Padded(long size) => (size + Block - 1) / Block * Block;
        var size = Block + Padded(removed.TextLength) + (2 * Block);
        var index = 0;
        foreach (var (_, fingerprint) in target.ReadEntries(cancellationToken))
        {
            if (include[index++])
            {
                size += Block + (fingerprint.Kind == TarEntryType.RegularFile ? Padded(fingerprint.Size) : 0);
            }
        }

        return size;
    }

    private readonly record struct SourceEntry(EntryKey Fingerprint, int Index, bool IsDirectory);

    /// <summary>What one pass over the target gives: per entry its path key, kind and whether it differs from the source.</summary>
    private sealed class TargetScan
    {
        private readonly bool[] _differs;
        private readonly List<(int Index, EntryKey Linked)> _hardLinks = [];

        private TargetScan(int count)
        {
            Keys = new EntryKey[count];
            Kinds = new TarEntryType[count];
            _differs = new bool[count];
            Last = new Dictionary<EntryKey, int>(count);
        }

        public EntryKey[] Keys { get; }

        public TarEntryType[] Kinds { get; }

        /// <summary>Path to the index of its last occurrence, which is what extraction leaves.</summary>
        public Dictionary<EntryKey, int> Last { get; }

        /// <summary>Every directory above a target path: extraction creates them even without an entry of their own.</summary>
        public HashSet<EntryKey> ImpliedDirectories { get; } = [];

        public static TargetScan Read(TarManifest target, Dictionary<EntryKey, SourceEntry> sources, long seed, CancellationToken cancellationToken)
        {
            var scan = new TargetScan(target.Count);
            var i = 0;
            foreach (var (path, fingerprint) in target.ReadEntries(cancellationToken))
            {
                if (i == scan.Keys.Length)
                {
                    throw new InvalidDataException("A tar manifest has more entries than its count says.");
                }

                var key = EntryKey.OfPath(path, seed);
                if (fingerprint is { Kind: TarEntryType.HardLink, LinkName: { } linked })
                {
                    var linkedKey = EntryKey.OfPath(linked, seed);
                    if (!scan.Last.TryGetValue(linkedKey, out var earlier) || scan.Kinds[earlier] == TarEntryType.Directory)
                    {
                        throw new InvalidDataException($"The hard link '{path}' points to '{linked}', which is not an earlier file of the target.");
                    }

                    scan._hardLinks.Add((i, linkedKey));
                }

                scan.Keys[i] = key;
                scan.Kinds[i] = fingerprint.Kind;
                scan._differs[i] = fingerprint.Kind == TarEntryType.HardLink
                    || !sources.TryGetValue(key, out var before)
                    || before.Fingerprint != EntryKey.OfFingerprint(fingerprint, seed);
                scan.Last[key] = i;
                foreach (var ancestor in TarPath.Ancestors(path))
                {
                    if (!scan.ImpliedDirectories.Add(EntryKey.OfPath(ancestor, seed)))
                    {
                        break;
                    }
                }

                i++;
            }

            return scan;
        }

        /// <summary>
        /// Per index of a path's last occurrence: whether the delta carries that path. A path is carried when its last
        /// occurrence differs from the source (hard links always do); a hard link is extracted as link(2) to a path the
        /// delta must have just written, so every path a carried hard link names is carried too.
        /// </summary>
        public bool[] IncludedPaths()
        {
            var included = new bool[Keys.Length];
            foreach (var last in Last.Values)
            {
                included[last] = _differs[last];
            }

            // Backwards, so that a carried hard link to another hard link also brings in what that one names.
            for (var h = _hardLinks.Count - 1; h >= 0; h--)
            {
                var (index, linked) = _hardLinks[h];
                if (included[Last[Keys[index]]])
                {
                    included[Last[linked]] = true;
                }
            }

            return included;
        }
    }
}
