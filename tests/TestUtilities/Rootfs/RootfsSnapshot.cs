using System.Formats.Tar;
using System.Text;

namespace SystemImage.TestUtilities.Rootfs;

/// <summary>
/// A model of a file system that tarballs are extracted into, to check deltas without touching the disk. Paths map to
/// <see cref="RootfsNode"/>s (hard links share a node); mtimes are not kept. Extraction works like GNU tar's, only
/// stricter: missing parents are created (0755, root) but a parent that is not a directory is an error, a hard link
/// must name an existing non-directory, a directory extracted onto an existing directory only takes its metadata, and
/// any other extraction onto an existing path replaces a non-directory but fails on a directory.
/// </summary>
public sealed class RootfsSnapshot
{
    private readonly Dictionary<string, RootfsNode> _nodes;

    private RootfsSnapshot(Dictionary<string, RootfsNode> nodes) => _nodes = nodes;

    public IReadOnlyDictionary<string, RootfsNode> Nodes => _nodes;

    public static RootfsSnapshot FromTar(Stream tar)
    {
        var snapshot = new RootfsSnapshot(new Dictionary<string, RootfsNode>(StringComparer.Ordinal));
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry() is { } entry)
        {
            snapshot.Extract(entry);
        }

        return snapshot;
    }

    /// <summary>
    /// Applies a delta to a copy of this snapshot: the first entry must be the <c>removed</c> list; each path in it is
    /// deleted as <c>rm -rf</c> does, then the other entries are extracted in order. A hard link must name a path
    /// the delta itself carries before it, as extractors that resolve links inside the archive need.
    /// </summary>
    public RootfsSnapshot ApplyDelta(Stream delta)
    {
        var copies = new Dictionary<RootfsNode, RootfsNode>(ReferenceEqualityComparer.Instance);
        var result = new RootfsSnapshot(_nodes.ToDictionary(pair => pair.Key, pair => Copy(pair.Value), StringComparer.Ordinal));
        using var reader = new TarReader(delta, leaveOpen: true);
        var removed = reader.GetNextEntry();
        if (removed is not { Name: "removed", EntryType: TarEntryType.RegularFile })
        {
            throw new InvalidDataException($"The delta starts with '{removed?.Name}', not the removed list.");
        }

        using (var lines = new StreamReader(removed.DataStream ?? Stream.Null, Encoding.UTF8))
        {
            while (lines.ReadLine() is { } line)
            {
                result.RemoveRecursively(line);
            }
        }

        var extracted = new HashSet<string>(StringComparer.Ordinal);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType == TarEntryType.HardLink && !extracted.Contains(RootfsTar.Normalize(entry.LinkName)))
            {
                throw new InvalidDataException($"The hard link '{entry.Name}' names '{entry.LinkName}', which the delta does not carry before it.");
            }

            result.Extract(entry);
            extracted.Add(RootfsTar.Normalize(entry.Name));
        }

        return result;

        RootfsNode Copy(RootfsNode node) => copies.TryGetValue(node, out var copy) ? copy : copies[node] = node.Clone();
    }

    /// <summary>Deletes <paramref name="path"/> and everything below it; a missing path is not an error.</summary>
    public void RemoveRecursively(string path)
    {
        var normalized = RootfsTar.Normalize(path);
        if (normalized.Length == 0)
        {
            throw new InvalidDataException($"Refusing to remove the root ('{path}').");
        }

        if (!_nodes.Remove(normalized, out var node) || node.Type != TarEntryType.Directory)
        {
            return;
        }

        var below = normalized + "/";
        foreach (var key in _nodes.Keys.Where(key => key.StartsWith(below, StringComparison.Ordinal)).ToList())
        {
            _nodes.Remove(key);
        }
    }

    /// <summary>What differs from <paramref name="expected"/> (mtimes aside), one line per difference; empty when equal.</summary>
    public IReadOnlyList<string> Differences(RootfsSnapshot expected)
    {
        var differences = new List<string>();
        foreach (var path in expected._nodes.Keys.Except(_nodes.Keys).Order(StringComparer.Ordinal))
        {
            differences.Add($"missing {path}: {expected._nodes[path]}");
        }

        foreach (var path in _nodes.Keys.Except(expected._nodes.Keys).Order(StringComparer.Ordinal))
        {
            differences.Add($"unexpected {path}: {_nodes[path]}");
        }

        var expectedGroups = expected.LinkGroups();
        var actualGroups = LinkGroups();
        foreach (var path in _nodes.Keys.Intersect(expected._nodes.Keys).Order(StringComparer.Ordinal))
        {
            var (actual, wanted) = (_nodes[path], expected._nodes[path]);
            if (actual.ToString() != wanted.ToString() || !actual.Content.AsSpan().SequenceEqual(wanted.Content))
            {
                differences.Add($"differs {path}: {actual} but expected {wanted}");
            }

            if (actualGroups[path] != expectedGroups[path])
            {
                differences.Add($"links {path}: shares an inode with [{actualGroups[path]}] but expected [{expectedGroups[path]}]");
            }
        }

        return differences;
    }

    private Dictionary<string, string> LinkGroups()
    {
        var byNode = _nodes.GroupBy(pair => pair.Value, ReferenceEqualityComparer.Instance)
            .Select(group => group.Select(pair => pair.Key).Order(StringComparer.Ordinal).ToList());
        return byNode.SelectMany(paths => paths.Select(path => (path, group: string.Join(", ", paths))))
            .ToDictionary(pair => pair.path, pair => pair.group, StringComparer.Ordinal);
    }

    private void Extract(TarEntry entry)
    {
        var path = RootfsTar.Normalize(entry.Name);
        if (path.Length == 0)
        {
            return;
        }

        CreateParents(entry.Name, path);

        var existing = _nodes.GetValueOrDefault(path);
        if (entry.EntryType == TarEntryType.Directory && existing?.Type == TarEntryType.Directory)
        {
            (existing.Mode, existing.Uid, existing.Gid) = (entry.Mode, entry.Uid, entry.Gid);
            return;
        }

        if (existing?.Type == TarEntryType.Directory)
        {
            throw new InvalidDataException($"Extracting '{entry.Name}' ({entry.EntryType}) onto an existing directory.");
        }

        _nodes[path] = entry.EntryType == TarEntryType.HardLink ? LinkedNode(entry) : NewNode(entry);
    }

    /// <summary>Like tar, creates missing parent directories (0755, root); a parent that is not a directory is an error.</summary>
    private void CreateParents(string name, string path)
    {
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (!_nodes.TryGetValue(path[..slash], out var parent))
            {
                _nodes[path[..slash]] = new RootfsNode { Type = TarEntryType.Directory, Mode = RootfsEntry.Octal("755") };
            }
            else if (parent.Type != TarEntryType.Directory)
            {
                throw new InvalidDataException($"Extracting '{name}' but '{path[..slash]}' is not a directory.");
            }
        }
    }

    private RootfsNode LinkedNode(TarEntry entry)
    {
        var target = RootfsTar.Normalize(entry.LinkName);
        if (_nodes.GetValueOrDefault(target) is not { Type: not TarEntryType.Directory } node)
        {
            throw new InvalidDataException($"The hard link '{entry.Name}' names '{entry.LinkName}', which does not exist as a file.");
        }

        return node;
    }

    private static RootfsNode NewNode(TarEntry entry)
    {
        using var content = new MemoryStream();
        entry.DataStream?.CopyTo(content);
        var posix = entry as PosixTarEntry;
        var device = entry.EntryType is TarEntryType.CharacterDevice or TarEntryType.BlockDevice;
        return new RootfsNode
        {
            Type = entry.EntryType is TarEntryType.V7RegularFile or TarEntryType.ContiguousFile ? TarEntryType.RegularFile : entry.EntryType,
            Mode = entry.Mode,
            Uid = entry.Uid,
            Gid = entry.Gid,
            Content = content.ToArray(),
            LinkTarget = entry.EntryType == TarEntryType.SymbolicLink ? entry.LinkName : null,
            DeviceMajor = device ? posix?.DeviceMajor ?? 0 : 0,
            DeviceMinor = device ? posix?.DeviceMinor ?? 0 : 0,
        };
    }
}
