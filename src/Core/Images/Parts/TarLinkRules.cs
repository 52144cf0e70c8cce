using System.Formats.Tar;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using SystemImage.Core.Images.Deltas;

namespace SystemImage.Core.Images.Parts;

/// <summary>
/// What a tar's entries may do to each other, checked in archive order, so that every unpacker a device or a recovery
/// uses (GNU tar, Python's tarfile, our delta planner) makes the same tree and stays inside its target directory:
/// <list type="bullet">
/// <item>a hard link names a file an earlier entry of the same archive put at that very path: not a directory, not a
/// symbolic link (Python's tarfile would link what it points at), not a path through a symbolic link (GNU tar cannot
/// make any other, and the delta planner needs it);</item>
/// <item>an entry may lie below a symbolic link of the archive only when that link, followed through the archive's
/// own links, stays inside the archive (a merged-/usr <c>lib -&gt; usr/lib</c>); never below a link to an absolute
/// path, out through <c>..</c>, round a loop, or below a file (Python's tarfile writes wherever the link points);</item>
/// <item>nothing replaces a symbolic link, and nothing turns a directory into a non-directory or back.</item>
/// </list>
/// Places are the paths the entries land at once links are followed. They are kept as keyed 64-bit hashes, not strings,
/// so an archive of millions of entries costs a few dozen megabytes; the keys are random per archive, so nobody can
/// craft names that collide on purpose.
/// </summary>
internal sealed class TarLinkRules
{
    // Linux gives up after 40 links in one path (ELOOP).
    private const int MaxLinkHops = 40;

    private readonly int _salt1 = RandomNumberGenerator.GetInt32(int.MaxValue);
    private readonly int _salt2 = RandomNumberGenerator.GetInt32(int.MaxValue);

    /// <summary>Non-directories by place; the value says whether a hard link may name it (a file reached without links).</summary>
    private readonly Dictionary<ulong, bool> _nonDirectories = [];

    /// <summary>Symbolic links by place, with their targets as written.</summary>
    private readonly Dictionary<ulong, string> _symbolicLinks = [];

    /// <summary>Directories by place, those with an entry of their own and those only implied by the names below them.</summary>
    private readonly HashSet<ulong> _directories = [];

    /// <summary>Why <paramref name="entry"/> cannot follow the entries seen so far, or null (and the entry is recorded).</summary>
    /// <remarks>The entry's name (and a hard link's target) must already be known to be relative and free of <c>..</c>.</remarks>
    public string? Check(TarEntry entry)
    {
        var path = Normalize(entry.Name);
        var isDirectory = entry.EntryType == TarEntryType.Directory;
        if (path.Length == 0)
        {
            return isDirectory ? null : $"tar entry '{Shown(entry)}' is a {Describe(entry.EntryType)} in place of the archive's root directory";
        }

        var slash = path.LastIndexOf('/');
        var parent = slash < 0 ? new Place(new KeyBuilder(_salt1, _salt2), null, null) : PlaceOfDirectory(path, slash, entry);
        if (parent.Error is { } parentError)
        {
            return parentError;
        }

        var keys = parent.Keys;
        keys.Append(path.AsSpan(slash + 1), separator: parent.Resolved is null ? slash >= 0 : parent.Resolved.Length > 0);
        var key = keys.Key;
        string PlaceName() => parent.Resolved switch
        {
            null => path,
            "" => path[(slash + 1)..],
            var resolved => $"{resolved}/{path[(slash + 1)..]}",
        };
        if (_symbolicLinks.ContainsKey(key))
        {
            return $"tar entry '{Shown(entry)}' replaces '{TarValidator.Show(PlaceName())}', a symbolic link earlier in the archive";
        }

        if (isDirectory ? _nonDirectories.ContainsKey(key) : _directories.Contains(key))
        {
            return isDirectory
                ? $"tar entry '{Shown(entry)}' makes a directory of '{TarValidator.Show(PlaceName())}', which is not a directory earlier in the archive"
                : $"tar entry '{Shown(entry)}' replaces the directory '{TarValidator.Show(PlaceName())}' with a {Describe(entry.EntryType)}";
        }

        if (entry.EntryType == TarEntryType.HardLink && CheckHardLink(entry, path) is { } linkError)
        {
            return linkError;
        }

        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                _directories.Add(key);
                break;
            case TarEntryType.SymbolicLink:
                _nonDirectories[key] = false;
                _symbolicLinks[key] = entry.LinkName;
                break;
            default:
                _nonDirectories[key] = parent.Resolved is null;
                break;
        }

        return null;
    }

    private string? CheckHardLink(TarEntry entry, string path)
    {
        var target = Normalize(entry.LinkName);
        if (target == path)
        {
            return $"tar entry '{Shown(entry)}' is a hard link to itself";
        }

        var key = Key(target);
        if (_symbolicLinks.ContainsKey(key))
        {
            return $"tar entry '{Shown(entry)}' is a hard link to '{TarValidator.Show(entry.LinkName)}', a symbolic link (unpackers disagree on whether to follow it)";
        }

        return _nonDirectories.TryGetValue(key, out var linkable) && linkable
            ? null
            : $"tar entry '{Shown(entry)}' is a hard link to '{TarValidator.Show(entry.LinkName)}', which is not a file earlier in the archive";
    }

    /// <summary>
    /// Where the directory holding <paramref name="path"/> (its first <paramref name="length"/> characters) really is once
    /// the archive's links on the way are followed; or why nothing may be put there. Every directory on the way becomes
    /// known, so a later entry cannot turn it into a link.
    /// </summary>
    private Place PlaceOfDirectory(string path, int length, TarEntry entry)
    {
        // Most paths cross no link, and their parent is a directory already known: a known directory's own way was
        // checked when it became known and can no longer change, so the walk stops at the nearest one.
        var depth = path.AsSpan(0, length).Count('/') + 1;
        Span<ulong> prefixes = depth <= 64 ? stackalloc ulong[depth] : new ulong[depth];
        var ends = depth <= 64 ? stackalloc int[depth] : new int[depth];
        var keys = new KeyBuilder(_salt1, _salt2);
        for (int i = 0, start = 0; i < depth; i++)
        {
            var end = i == depth - 1 ? length : path.IndexOf('/', start, length - start);
            keys.Append(path.AsSpan(start, end - start), separator: i > 0);
            (prefixes[i], ends[i]) = (keys.Key, end);
            start = end + 1;
        }

        var known = depth - 1;
        while (known >= 0 && !_directories.Contains(prefixes[known]))
        {
            known--;
        }

        for (var i = known + 1; i < depth; i++)
        {
            if (_symbolicLinks.ContainsKey(prefixes[i]))
            {
                return FollowLinks(path[..length], entry);
            }

            if (_nonDirectories.ContainsKey(prefixes[i]))
            {
                return Place.Refused($"tar entry '{Shown(entry)}' lies below '{TarValidator.Show(path[..ends[i]])}', which is not a directory earlier in the archive");
            }

            _directories.Add(prefixes[i]);
        }

        return new Place(keys, null, null);
    }

    /// <summary>The slow way of <see cref="PlaceOfDirectory"/>, segment by segment, for a path that crosses a link.</summary>
    private Place FollowLinks(string path, TarEntry entry)
    {
        var place = new List<string>();
        var pending = new LinkedList<string>(path.Split('/'));
        var hops = 0;
        while (pending.First is { } first)
        {
            var segment = first.Value;
            pending.RemoveFirst();
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (place.Count == 0)
                {
                    return Place.Refused($"tar entry '{Shown(entry)}' lies below a symbolic link of the archive that leads out of it through '..', so it would be written outside");
                }

                place.RemoveAt(place.Count - 1);
                continue;
            }

            place.Add(segment);
            var here = string.Join('/', place);
            var key = Key(here);
            if (_symbolicLinks.TryGetValue(key, out var target))
            {
                if (target.StartsWith('/'))
                {
                    return Place.Refused($"tar entry '{Shown(entry)}' lies below '{TarValidator.Show(here)}', a symbolic link to '{TarValidator.Show(target)}' outside the archive, so it would be written wherever that link points");
                }

                if (++hops > MaxLinkHops)
                {
                    return Place.Refused($"tar entry '{Shown(entry)}' lies below '{TarValidator.Show(here)}', a symbolic link that goes round in a loop");
                }

                place.RemoveAt(place.Count - 1);
                foreach (var part in target.Split('/').Reverse())
                {
                    pending.AddFirst(part);
                }

                continue;
            }

            if (_nonDirectories.ContainsKey(key))
            {
                return Place.Refused($"tar entry '{Shown(entry)}' lies below '{TarValidator.Show(here)}', which is not a directory earlier in the archive");
            }

            _directories.Add(key);
        }

        var resolved = string.Join('/', place);
        return new Place(KeysOf(resolved), resolved, null);
    }

    private ulong Key(string path) => KeysOf(path).Key;

    private KeyBuilder KeysOf(string path)
    {
        var keys = new KeyBuilder(_salt1, _salt2);
        if (path.Length == 0)
        {
            return keys;
        }

        var start = 0;
        while (start <= path.Length)
        {
            var end = path.IndexOf('/', start);
            end = end < 0 ? path.Length : end;
            keys.Append(path.AsSpan(start, end - start), separator: start > 0);
            start = end + 1;
        }

        return keys;
    }

    private static string Shown(TarEntry entry) => TarValidator.Show(entry.Name);

    /// <summary><see cref="TarPath.Normalize"/>, without its allocations for the usual name that needs nothing done.</summary>
    private static string Normalize(string name) =>
        name.Length > 0 && name[0] != '.' && name[^1] != '/' && !name.Contains("//", StringComparison.Ordinal) && !name.Contains("/.", StringComparison.Ordinal)
            ? name
            : TarPath.Normalize(name);

    private static string Describe(TarEntryType type) => type switch
    {
        TarEntryType.SymbolicLink => "symbolic link",
        TarEntryType.HardLink => "hard link",
        TarEntryType.Directory => "directory",
        TarEntryType.CharacterDevice or TarEntryType.BlockDevice => "device",
        TarEntryType.Fifo => "fifo",
        _ => "file",
    };

    /// <summary>Where a directory really is: the keys of its place, and its place when links made it differ from its name.</summary>
    /// <param name="Keys">The hashes of the place, ready to append a name below it.</param>
    /// <param name="Resolved">The place, when the way there crossed a link; null when the place is the name itself.</param>
    /// <param name="Error">Why nothing may be put there, or null.</param>
    private readonly record struct Place(KeyBuilder Keys, string? Resolved, string? Error)
    {
        public static Place Refused(string error) => new(default, null, error);
    }

    /// <summary>
    /// Two independent 32-bit hashes of a path (seeded randomly per process, and salted per archive), fed one segment at
    /// a time so that the key of <c>a/b</c> is the key of <c>a</c> with <c>/b</c> appended: a path's every prefix is
    /// hashed in one pass.
    /// </summary>
    private struct KeyBuilder(int salt1, int salt2)
    {
        private HashCode _first = Seeded(salt1);
        private HashCode _second = Seeded(salt2);

        public readonly ulong Key => ((ulong)(uint)_first.ToHashCode() << 32) | (uint)_second.ToHashCode();

        public void Append(ReadOnlySpan<char> segment, bool separator)
        {
            if (separator)
            {
                Add('/');
            }

            var bytes = MemoryMarshal.AsBytes(segment);
            _first.AddBytes(bytes);
            _second.AddBytes(bytes);
        }

        private void Add(char c)
        {
            _first.Add(c);
            _second.Add(c);
        }

        private static HashCode Seeded(int salt)
        {
            var hash = default(HashCode);
            hash.Add(salt);
            return hash;
        }
    }
}
