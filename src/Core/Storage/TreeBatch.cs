namespace SystemImage.Core.Storage;

/// <summary>
/// A set of files written to the publish root so that no reader ever sees a half-written file:
/// each file goes to a dot-prefixed temporary name (never served), is fsynced, and is renamed into
/// place on <see cref="Commit"/> in the order it was staged. Uncommitted temporaries are deleted on dispose.
/// </summary>
public sealed class TreeBatch(string root) : IDisposable
{
    internal const string TempMarker = ".tmp-";
    private readonly List<(string Temp, string Final)> _staged = [];
    private readonly Lock _gate = new();

    public int Count => _staged.Count;

    /// <summary>True when <paramref name="fileName"/> is a temporary left by an interrupted batch.</summary>
    public static bool IsTemporary(string fileName) => fileName.StartsWith('.') && fileName.Contains(TempMarker, StringComparison.Ordinal);

    public void Stage(string treePath, ReadOnlySpan<byte> content)
    {
        var (temp, handle) = Create(treePath);
        using (handle)
        {
            RandomAccess.Write(handle, content, 0);
            RandomAccess.FlushToDisk(handle);
        }

        Add(temp, treePath);
    }

    /// <summary>Stages a finished file from elsewhere (e.g. a prepared upload): it is moved beside its target and synced.</summary>
    public void StageExisting(string treePath, string sourcePath)
    {
        var (temp, handle) = Create(treePath);
        handle.Dispose();
        File.Move(sourcePath, temp, overwrite: true);
        using (var synced = File.OpenHandle(temp, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.FlushToDisk(synced);
        }

        Add(temp, treePath);
    }

    /// <summary>Stages a file produced by <paramref name="write"/> (for content streamed from elsewhere).</summary>
    public async Task StageAsync(string treePath, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var (temp, handle) = Create(treePath);
        try
        {
            await using (var stream = new FileStream(handle, FileAccess.Write, 1 << 16))
            {
                await write(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        Add(temp, treePath);
    }

    /// <summary>Renames every staged file into place in staging order, then syncs the directories touched.</summary>
    public void Commit()
    {
        var directories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (temp, final) in _staged)
        {
            File.Move(temp, final, overwrite: true);
            directories.Add(Path.GetDirectoryName(final)!);
        }

        _staged.Clear();
        foreach (var directory in directories)
        {
            SyncDirectory(directory);
        }
    }

    public void Dispose()
    {
        foreach (var (temp, _) in _staged)
        {
            File.Delete(temp);
        }

        _staged.Clear();
    }

    private (string Temp, Microsoft.Win32.SafeHandles.SafeFileHandle Handle) Create(string treePath)
    {
        var final = TreePath.Resolve(root, treePath);
        var directory = Path.GetDirectoryName(final)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(final)}{TempMarker}{Guid.NewGuid():N}");
        var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None);
        return (temp, handle);
    }

    private void Add(string temp, string treePath)
    {
        PublicFile.MakeReadable(temp);
        lock (_gate)
        {
            _staged.Add((temp, TreePath.Resolve(root, treePath)));
        }
    }

    // Renames are durable only once the directory itself is synced.
    private static void SyncDirectory(string directory) => DirectorySync.Flush(directory);
}
