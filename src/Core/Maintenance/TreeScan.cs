namespace SystemImage.Core.Maintenance;

/// <summary>
/// What the publish root holds, sorted by who owns it: files the server could have written, temporaries an interrupted
/// write left, and foreign files. A directory holding nothing of the server's (a dot-directory always) is reported
/// once, as <c>/name/</c>, rather than file by file; symbolic links are foreign and never followed.
/// </summary>
/// <param name="Files">Tree paths of files with names the server writes.</param>
/// <param name="Temporaries">Tree paths of the server's temporaries last written before the scan's cut-off.</param>
/// <param name="Foreign">Tree paths of foreign files, and of foreign directories with a trailing <c>/</c>.</param>
internal sealed record TreeScan(IReadOnlyList<string> Files, IReadOnlyList<string> Temporaries, IReadOnlyList<string> Foreign)
{
    /// <summary>
    /// Scans <paramref name="root"/>. A file counts as the server's when its name is one the server writes or when
    /// <paramref name="known"/> holds it (the database references it, whatever its name); temporaries newer than
    /// <paramref name="temporariesBefore"/> may belong to a write in progress and are left out.
    /// </summary>
    public static TreeScan Of(string root, IReadOnlySet<string> known, DateTime temporariesBefore)
    {
        var scan = new Walker(known, temporariesBefore);
        scan.Walk(new DirectoryInfo(root), "");
        return new TreeScan(Sorted(scan.Files), Sorted(scan.Temporaries), Sorted(scan.Foreign));
    }

    private static List<string> Sorted(List<string> paths) => [.. paths.Order(StringComparer.Ordinal)];

    private sealed class Walker(IReadOnlySet<string> known, DateTime temporariesBefore)
    {
        public List<string> Files { get; } = [];

        public List<string> Temporaries { get; } = [];

        public List<string> Foreign { get; } = [];

        public void Walk(DirectoryInfo directory, string treeDirectory)
        {
            foreach (var entry in directory.EnumerateFileSystemInfos())
            {
                var path = $"{treeDirectory}/{entry.Name}";
                if (entry.LinkTarget is not null)
                {
                    Foreign.Add(entry is DirectoryInfo ? path + "/" : path);
                }
                else if (entry is DirectoryInfo sub)
                {
                    WalkDirectory(sub, path);
                }
                else if (ServerFiles.IsServerTemporary(entry.Name))
                {
                    if (entry.LastWriteTimeUtc < temporariesBefore)
                    {
                        Temporaries.Add(path);
                    }
                }
                else
                {
                    (known.Contains(path) || ServerFiles.IsServerFile(path) ? Files : Foreign).Add(path);
                }
            }
        }

        /// <summary>Walks a subdirectory, and reports it as one foreign entry when it holds nothing of the server's.</summary>
        private void WalkDirectory(DirectoryInfo directory, string path)
        {
            if (directory.Name.StartsWith('.') && !known.Any(k => k.StartsWith(path + "/", StringComparison.Ordinal)))
            {
                Foreign.Add(path + "/");
                return;
            }

            var (files, temporaries, foreign) = (Files.Count, Temporaries.Count, Foreign.Count);
            Walk(directory, path);
            if (Files.Count == files && Temporaries.Count == temporaries && Foreign.Count > foreign)
            {
                Foreign.RemoveRange(foreign, Foreign.Count - foreign);
                Foreign.Add(path + "/");
            }
        }
    }
}
