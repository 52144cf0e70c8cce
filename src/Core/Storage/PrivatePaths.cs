namespace SystemImage.Core.Storage;

/// <summary>
/// What the server keeps for itself (its SQLite databases with password and token hashes and the audit log; scratch,
/// staging, manifests, leases and locks under <c>state/</c>) is for its own user only, like <c>secrets/</c>: directories
/// 0700 and database files 0600, whatever the umask. Files of the published tree are 0644 (<see cref="PublicFile"/>).
/// </summary>
public static class PrivatePaths
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // SQLite's companions of a database file: its rollback journal, write-ahead log and shared-memory index.
    private static readonly string[] DatabaseCompanions = ["-journal", "-wal", "-shm"];

    /// <summary>Creates <paramref name="path"/> and any missing parent as 0700; an existing directory keeps its mode.</summary>
    public static string CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return path;
        }

        // Directory.CreateDirectory gives the mode to the last directory only; missing parents would get the umask's.
        var missing = new Stack<string>();
        for (var directory = Path.GetFullPath(path); directory is not null && !Directory.Exists(directory); directory = Path.GetDirectoryName(directory))
        {
            missing.Push(directory);
        }

        foreach (var directory in missing)
        {
            Directory.CreateDirectory(directory, DirectoryMode);
        }

        return path;
    }

    /// <summary>Creates <paramref name="path"/> as 0700, or makes an existing one 0700, with every directory right below it.</summary>
    public static void SecureDirectoryTree(string path)
    {
        CreateDirectory(path);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // The directories below (work/, staging/…) are reachable only through this one; their files keep their modes,
        // since staged files are already the 0644 tree files they will become.
        foreach (var directory in Directory.EnumerateDirectories(path).Prepend(path))
        {
            File.SetUnixFileMode(directory, DirectoryMode);
        }
    }

    /// <summary>
    /// Makes the SQLite database at <paramref name="path"/> 0600: created empty (which SQLite takes for a new database)
    /// when missing, its mode tightened when it exists, and so are its journal, WAL and shared-memory files. SQLite gives
    /// the files it creates later the database file's mode.
    /// </summary>
    public static void SecureDatabase(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            // The data directory itself holds the public tree (www/) too: it keeps the usual mode.
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            try
            {
                using (new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode }))
                {
                }
            }
            catch (IOException) when (File.Exists(path))
            {
                // Created meanwhile by another process (a verb, the server); tightened below like any existing file.
            }
        }

        foreach (var file in DatabaseCompanions.Select(suffix => path + suffix).Prepend(path).Where(File.Exists))
        {
            File.SetUnixFileMode(file, FileMode);
        }
    }
}
