using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace SystemImage.Core.Adoption;

/// <summary>
/// Completed downloads counted in memory, per tree path, without locks: the static tree's hot path only increments a
/// number. <see cref="DownloadFlusher"/> drains the counts every few seconds into the database. Only paths of files
/// that were served whole reach it, so the paths it keeps are bounded by the files of the tree.
/// </summary>
public sealed class DownloadCounter
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _counts = new(StringComparer.Ordinal);

    /// <summary>Whether a GET of this tree path is worth counting: an index.json, a version tarball or a pool tarball.</summary>
    public static bool IsCounted(string path) =>
        path.EndsWith("/index.json", StringComparison.Ordinal)
        || (path.EndsWith(".tar.xz", StringComparison.Ordinal)
            && (path.StartsWith("/pool/", StringComparison.Ordinal) || path.AsSpan(path.LastIndexOf('/') + 1).StartsWith("version-", StringComparison.Ordinal)));

    /// <summary>Counts one completed download of <paramref name="path"/>.</summary>
    public void Count(string path) => Add(path, 1);

    /// <summary>Adds <paramref name="count"/> downloads of <paramref name="path"/> (also to put back counts a flush could not write).</summary>
    public void Add(string path, long count)
    {
        var box = _counts.GetOrAdd(path, static _ => new StrongBox<long>());
        Interlocked.Add(ref box.Value, count);
    }

    /// <summary>Takes every count above zero and leaves zero in its place.</summary>
    public List<KeyValuePair<string, long>> Drain()
    {
        var drained = new List<KeyValuePair<string, long>>();
        foreach (var (path, box) in _counts)
        {
            var count = Interlocked.Exchange(ref box.Value, 0);
            if (count > 0)
            {
                drained.Add(new KeyValuePair<string, long>(path, count));
            }
        }

        return drained;
    }
}
