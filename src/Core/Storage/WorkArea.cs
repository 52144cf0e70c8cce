namespace SystemImage.Core.Storage;

/// <summary>
/// A private scratch directory under <c>state/work</c> for one operation (an upload being prepared, an import). Its
/// owner holds an exclusive lock on the directory's <c>.owner</c> file for as long as it lives, so
/// <see cref="Sweep"/> can tell the leftovers of a killed process from the work of a live one, in any process.
/// </summary>
public sealed class WorkArea : IDisposable
{
    private const string OwnerFile = ".owner";

    private readonly FileStream _owner;

    private WorkArea(string path)
    {
        Path = path;
        PrivatePaths.CreateDirectory(path);

        // On Unix, FileShare.None takes an exclusive advisory lock (flock), released when the process dies.
        _owner = new FileStream(System.IO.Path.Combine(path, OwnerFile), FileMode.CreateNew, FileAccess.Write, FileShare.None);
    }

    public string Path { get; }

    /// <summary>A new directory <c>state/work/&lt;prefix&gt;-&lt;random&gt;</c>.</summary>
    public static WorkArea Create(string stateDir, string prefix) =>
        new(System.IO.Path.Combine(WorkRoot(stateDir), $"{prefix}-{Guid.NewGuid():N}"));

    /// <summary>The directory scratch areas live in.</summary>
    public static string WorkRoot(string stateDir) => System.IO.Path.Combine(stateDir, "work");

    /// <summary>
    /// Removes the directories under <c>state/work</c> whose owner is gone and, when <paramref name="includeLooseFiles"/>
    /// (the caller holds the publish lock, under which loose temporary files are made), the loose files too.
    /// Returns how many entries were removed.
    /// </summary>
    public static int Sweep(string stateDir, bool includeLooseFiles)
    {
        var root = WorkRoot(stateDir);
        if (!Directory.Exists(root))
        {
            return 0;
        }

        var removed = 0;
        foreach (var directory in Directory.EnumerateDirectories(root))
        {
            if (IsAbandoned(directory))
            {
                Directory.Delete(directory, recursive: true);
                removed++;
            }
        }

        if (includeLooseFiles)
        {
            foreach (var file in Directory.EnumerateFiles(root))
            {
                File.Delete(file);
                removed++;
            }
        }

        return removed;
    }

    public void Dispose()
    {
        _owner.Dispose();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    private static bool IsAbandoned(string directory)
    {
        var owner = System.IO.Path.Combine(directory, OwnerFile);
        if (!File.Exists(owner))
        {
            // Made by an older version, or caught between creating the directory and its owner file.
            return Directory.GetLastWriteTimeUtc(directory) < DateTime.UtcNow.AddHours(-1);
        }

        try
        {
            using var probe = new FileStream(owner, FileMode.Open, FileAccess.Write, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
