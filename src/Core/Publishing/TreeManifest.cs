using System.Globalization;
using System.IO.Enumeration;
using System.Security.Cryptography;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Publishing;

/// <summary>
/// What the publish root held at one moment: each file's path (relative, <c>pool/x.tar.xz</c>) with its length,
/// modification time and, for small files (indexes, signatures, keyrings), a hash of its content, so a rewrite of a
/// same-length index.json within one tick of the kernel's clock is still seen. Dot-files (a publish's temporary
/// names) are not part of the tree. A hash is reused from the previous manifest while length and time are unchanged
/// and the file had settled, so a scan of an unchanged tree only lists directories.
/// </summary>
internal sealed class TreeManifest
{
    private const long HashedLength = 64 * 1024;
    private static readonly TimeSpan Settling = TimeSpan.FromSeconds(2);
    private readonly Dictionary<string, string> _stamps;

    private TreeManifest(Dictionary<string, string> stamps) => _stamps = stamps;

    /// <summary>A tree with no files: everything is new to it.</summary>
    public static TreeManifest Empty => new([]);

    public int Count => _stamps.Count;

    public static TreeManifest Load(string path) => new(StateRecord.Load(path));

    public void Save(string path) => StateRecord.Save(path, _stamps.OrderBy(e => e.Key, StringComparer.Ordinal));

    /// <summary>Lists <paramref name="root"/>; <paramref name="previous"/> lends the hashes of files that have not changed.</summary>
    public static TreeManifest Scan(string root, TreeManifest previous)
    {
        var settledBefore = DateTime.UtcNow - Settling;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 };
        var files = new FileSystemEnumerable<(string Path, long Length, DateTime Modified)>(
            root, (ref FileSystemEntry e) => (e.ToFullPath(), e.Length, e.LastWriteTimeUtc.UtcDateTime), options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory && !e.FileName.StartsWith('.'),
            ShouldRecursePredicate = (ref FileSystemEntry e) => !e.FileName.StartsWith('.'),
        };
        var stamps = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (fullPath, length, modified) in files)
        {
            var path = Path.GetRelativePath(root, fullPath).Replace(Path.DirectorySeparatorChar, '/');
            var stamp = string.Create(CultureInfo.InvariantCulture, $"{length}:{modified.Ticks}");
            if (length <= HashedLength)
            {
                stamp = modified < settledBefore && previous._stamps.TryGetValue(path, out var known) && known.StartsWith(stamp + ":", StringComparison.Ordinal)
                    ? known
                    : Hashed(fullPath, stamp);
            }

            if (stamp is not null)
            {
                stamps[path] = stamp;
            }
        }

        return new TreeManifest(stamps);
    }

    /// <summary>
    /// The files of this manifest that <paramref name="before"/> lacks or had with other content, in the order a mirror
    /// must receive them (<see cref="MirrorOrder"/>), and the files it no longer has.
    /// </summary>
    public (IReadOnlyList<string> Changed, IReadOnlyList<string> Removed) Since(TreeManifest before)
    {
        var changed = _stamps.Where(e => !before._stamps.TryGetValue(e.Key, out var old) || !SameContent(old, e.Value)).Select(e => e.Key);
        var removed = before._stamps.Keys.Where(p => !_stamps.ContainsKey(p)).Order(StringComparer.Ordinal);
        return ([.. changed.OrderBy(MirrorOrder).ThenBy(p => p, StringComparer.Ordinal)], [.. removed]);
    }

    /// <summary>
    /// Pool files first, then keyrings, then everything else a device directory holds, then its index.json, and
    /// channels.json last (SPEC §6): copied in this order, a mirror never names a file it does not have yet.
    /// </summary>
    public static int MirrorOrder(string path) => path switch
    {
        _ when path.StartsWith("pool/", StringComparison.Ordinal) => 0,
        _ when path.StartsWith("gpg/", StringComparison.Ordinal) => 1,
        "channels.json" or "channels.json.asc" => 4,
        _ when path.EndsWith("/index.json", StringComparison.Ordinal) || path.EndsWith("/index.json.asc", StringComparison.Ordinal) => 3,
        _ => 2,
    };

    /// <summary>Small files compare by content (their hash), large ones by length and modification time.</summary>
    private static bool SameContent(string before, string now) =>
        (HashOf(before), HashOf(now)) is ({ } hashBefore, { } hashNow) ? hashBefore == hashNow : before == now;

    private static string? HashOf(string stamp) => stamp.Split(':') is [_, _, var hash] ? hash : null;

    /// <summary>The stamp with the content's hash appended, or null when the file vanished while being read.</summary>
    private static string? Hashed(string fullPath, string stamp)
    {
        try
        {
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return $"{stamp}:{Convert.ToHexStringLower(SHA256.HashData(stream).AsSpan(0, 16))}";
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}
