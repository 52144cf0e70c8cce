using System.IO.Enumeration;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;

namespace SystemImage.Core.Diagnostics;

/// <summary>
/// The size of the publish root, for the tree size gauges. A walk of a large tree costs a stat per file, so its
/// result is reused for <see cref="MaxAge"/>: however often the metrics are scraped, the tree is walked at most
/// twice a minute.
/// </summary>
public sealed class TreeSizeCache(IOptions<SystemImageOptions> options, TimeProvider time)
{
    /// <summary>How long one walk's result is reused.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private static readonly EnumerationOptions WalkOptions = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.None,
        ReturnSpecialDirectories = false,
    };

    private readonly Lock _gate = new();
    private TreeSize _last;
    private long? _walkedAt;

    /// <summary>The size of the publish root, walking it only when the last walk is older than <see cref="MaxAge"/>.</summary>
    public TreeSize Measure()
    {
        // One walk at a time: scrapes that arrive during a walk wait for it and share its result.
        lock (_gate)
        {
            if (_walkedAt is { } walkedAt && time.GetElapsedTime(walkedAt) < MaxAge)
            {
                return _last;
            }

            try
            {
                _last = Walk(options.Value.PublishRootFullPath);
                _walkedAt = time.GetTimestamp();
            }
            catch (IOException)
            {
                // Something vanished under the walk (a publish pruning a device): report the last size, walk again next time.
            }

            return _last;
        }
    }

    /// <summary>Counts the files under <paramref name="root"/> and their bytes; a missing root is empty. Throws <see cref="IOException"/> when the tree changes under the walk.</summary>
    internal static TreeSize Walk(string root)
    {
        if (!Directory.Exists(root))
        {
            return default;
        }

        long bytes = 0;
        long files = 0;
        var lengths = new FileSystemEnumerable<long>(root, (ref entry) => entry.Length, WalkOptions)
        {
            ShouldIncludePredicate = (ref entry) => !entry.IsDirectory,
            // Never through a symbolic link to a directory, so a link cannot pull another tree (or a loop) in.
            ShouldRecursePredicate = (ref entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        foreach (var length in lengths)
        {
            bytes += length;
            files++;
        }

        return new TreeSize(bytes, files);
    }
}
