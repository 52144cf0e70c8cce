using System.Text.Json;

namespace SystemImage.Core.Storage;

/// <summary>
/// The files one change adds to the publish root or replaces in it (pool files, deltas, version tarballs, their
/// signatures and sidecars), kept outside the root in <c>state/staging/&lt;name&gt;</c> until the database change is
/// committed. A change that does not commit never touches the tree: disposing deletes the staging directory.
/// Once committed (<see cref="Persist"/>, then the database commit), <see cref="Apply"/> puts every file in place,
/// in staging order, leaving the staged copies until <see cref="Delete"/>, so an apply cut short by a crash can
/// simply run again from the manifest.
/// </summary>
public sealed class StagedFiles : IDisposable
{
    private const string ManifestName = "manifest.json";

    private readonly string _publishRoot;
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, Entry> _byPath = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _persisted;
    private bool _applied;

    private StagedFiles(string directory, string publishRoot, IEnumerable<Entry> entries)
    {
        Directory = directory;
        _publishRoot = publishRoot;
        foreach (var entry in entries)
        {
            _entries.Add(entry);
            _byPath[entry.TreePath] = entry;
        }
    }

    /// <summary>The staging directory.</summary>
    public string Directory { get; }

    /// <summary>The publish root the files go to.</summary>
    public string PublishRoot => _publishRoot;

    /// <summary>The staging directory's name, which a pending publish records.</summary>
    public string Name => Path.GetFileName(Directory);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The tree paths staged, in staging order.</summary>
    public IReadOnlyList<string> TreePaths
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Select(e => e.TreePath)];
            }
        }
    }

    /// <summary>Where staging directories live.</summary>
    public static string Root(string stateDir) => Path.Combine(stateDir, "staging");

    /// <summary>A new, empty staging directory for one change.</summary>
    public static StagedFiles Create(string stateDir, string publishRoot)
    {
        var directory = Path.Combine(Root(stateDir), $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}");
        PrivatePaths.CreateDirectory(directory);
        return new StagedFiles(directory, publishRoot, []);
    }

    /// <summary>The staging directory <paramref name="name"/> as a committed change persisted it, or null when it is gone.</summary>
    public static StagedFiles? Open(string stateDir, string publishRoot, string name)
    {
        var directory = Path.Combine(Root(stateDir), name);
        var manifest = Path.Combine(directory, ManifestName);
        if (!File.Exists(manifest))
        {
            return null;
        }

        var entries = JsonSerializer.Deserialize<List<Entry>>(File.ReadAllBytes(manifest)) ?? [];
        return new StagedFiles(directory, publishRoot, entries) { _persisted = true };
    }

    /// <summary>Stages <paramref name="content"/> as <paramref name="treePath"/>; staging a path again replaces the earlier content.</summary>
    public void Stage(string treePath, ReadOnlySpan<byte> content)
    {
        var file = NewFile(treePath);
        using (var handle = File.OpenHandle(file, FileMode.CreateNew, FileAccess.Write))
        {
            RandomAccess.Write(handle, content, 0);
            RandomAccess.FlushToDisk(handle);
        }

        Add(treePath, file);
    }

    /// <summary>Moves the finished file <paramref name="source"/> (the server's own, e.g. a prepared part) into staging as <paramref name="treePath"/>.</summary>
    public void StageFile(string treePath, string source)
    {
        var file = NewFile(treePath);
        File.Move(source, file);
        using (var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.FlushToDisk(handle);
        }

        Add(treePath, file);
    }

    /// <summary>
    /// Stages a copy of <paramref name="source"/> (a file that is not the server's, e.g. of a tree being adopted, which
    /// stays as it is) as <paramref name="treePath"/>: a reflink where the filesystem shares blocks, else a streamed copy.
    /// </summary>
    public async Task StageCopyAsync(string treePath, string source, CancellationToken cancellationToken)
    {
        var file = NewFile(treePath);
        if (!FileLinks.TryReflink(source, file))
        {
            await using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            await using var to = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await from.CopyToAsync(to, 1 << 20, cancellationToken);
        }

        using (var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.FlushToDisk(handle);
        }

        Add(treePath, file);
    }

    /// <summary>True when this change stages <paramref name="treePath"/>.</summary>
    public bool Contains(string treePath)
    {
        lock (_gate)
        {
            return _byPath.ContainsKey(treePath);
        }
    }

    /// <summary>Where <paramref name="treePath"/> can be read during the change: its staged copy, or else the published file.</summary>
    public string PathOf(string treePath)
    {
        lock (_gate)
        {
            return _byPath.TryGetValue(treePath, out var entry) ? Path.Combine(Directory, entry.File) : TreePath.Resolve(_publishRoot, treePath);
        }
    }

    /// <summary>
    /// Why some staged file could not be put in place (something that is not a directory where its directory goes, or a
    /// directory where it goes), or null. Checked before the commit, so a change never commits what it cannot apply.
    /// </summary>
    public string? FindObstacle()
    {
        foreach (var path in TreePaths)
        {
            if (TreeObstacle.ForFile(_publishRoot, path) is { } obstacle)
            {
                return TreeObstacle.ExplainFile(path, obstacle);
            }
        }

        return null;
    }

    /// <summary>Writes the manifest (durably) so that the staged files can be applied after a crash; call before the database commit.</summary>
    public void Persist()
    {
        lock (_gate)
        {
            var manifest = Path.Combine(Directory, ManifestName);
            var temp = manifest + ".tmp";
            using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write))
            {
                RandomAccess.Write(handle, JsonSerializer.SerializeToUtf8Bytes(_entries), 0);
                RandomAccess.FlushToDisk(handle);
            }

            File.Move(temp, manifest, overwrite: true);
            DirectorySync.Flush(Directory);
            _persisted = true;
        }
    }

    /// <summary>
    /// Puts every staged file in place in staging order, each through a temporary name in its target directory and a
    /// rename, then syncs the directories. The staged copies stay, so running this again after a crash is harmless;
    /// within one process a second call does nothing.
    /// </summary>
    public void Apply()
    {
        List<Entry> entries;
        lock (_gate)
        {
            if (_applied)
            {
                return;
            }

            entries = [.. _entries];
        }

        var directories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var final = TreePath.Resolve(_publishRoot, entry.TreePath);
            var directory = Path.GetDirectoryName(final)!;
            System.IO.Directory.CreateDirectory(directory);
            var temp = Path.Combine(directory, $".{Path.GetFileName(final)}{TreeBatch.TempMarker}{Guid.NewGuid():N}");
            var staged = Path.Combine(Directory, entry.File);
            if (!FileLinks.TryHardLink(staged, temp))
            {
                File.Copy(staged, temp);
                using var handle = File.OpenHandle(temp, FileMode.Open, FileAccess.ReadWrite);
                RandomAccess.FlushToDisk(handle);
            }

            File.Move(temp, final, overwrite: true);
            directories.Add(directory);
        }

        foreach (var directory in directories)
        {
            DirectorySync.Flush(directory);
        }

        lock (_gate)
        {
            _applied = true;
        }
    }

    /// <summary>Removes the staging directory (after the change is published, or when it is abandoned).</summary>
    public void Delete()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>Deletes the staging directory unless it was persisted for a commit: then it belongs to the pending publish.</summary>
    public void Dispose()
    {
        if (!_persisted)
        {
            Delete();
        }
    }

    private string NewFile(string treePath)
    {
        TreePath.Resolve(_publishRoot, treePath);
        return Path.Combine(Directory, $"{Guid.NewGuid():N}-{Path.GetFileName(treePath)}");
    }

    private void Add(string treePath, string file)
    {
        PublicFile.MakeReadable(file);
        lock (_gate)
        {
            if (_persisted)
            {
                throw new InvalidOperationException("Files cannot be staged once the change is persisted.");
            }

            var entry = new Entry(treePath, Path.GetFileName(file));
            if (_byPath.Remove(treePath, out var earlier))
            {
                _entries.Remove(earlier);
                File.Delete(Path.Combine(Directory, earlier.File));
            }

            _entries.Add(entry);
            _byPath[treePath] = entry;
        }
    }

    private sealed record Entry(string TreePath, string File);
}
