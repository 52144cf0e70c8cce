using System.Collections.Concurrent;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace SystemImage.Server.StaticTree;

/// <summary>
/// The publish root as <see cref="TreeFile"/>s, each with an entity tag from its content. Small files (indexes,
/// channels.json, signatures, sidecars, keyrings) are read whole through one handle, so their bytes, length, time and
/// tag describe the same version of the file, and held in memory: every request still stats the file, and a cached
/// copy is used only while length and modification time match, so a file replaced by the publisher (or by a verb in
/// another process) is served fresh at once. Measured by bench/serve: it removes an open/read/close per request, the
/// gap between Kestrel and nginx on index.json. Large files (pool files, immutable once published) are served from
/// disk and hashed once per version (path, length and modification time to the clock's precision).
/// A file modified in the last <see cref="Settling"/> is never cached: the kernel stamps modification times with a
/// coarse clock (a few milliseconds), so a file replaced twice within one tick by one of the same length would
/// otherwise look unchanged.
/// </summary>
internal sealed class CachingFileProvider(string root) : IFileProvider, IDisposable
{
    private const long MaxCachedLength = 64 * 1024;
    private const int MaxEntries = 50_000;
    private static readonly TimeSpan Settling = TimeSpan.FromSeconds(2);
    private readonly PhysicalFileProvider _inner = new(root, ExclusionFilters.Sensitive);
    private readonly ConcurrentDictionary<string, TreeFile> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LargeFileTag> _largeTags = new(StringComparer.Ordinal);
    private readonly AsyncLocal<TreeFile?> _pinned = new();

    public IFileInfo GetFileInfo(string subpath)
    {
        if (_pinned.Value is { } pinned && pinned.Subpath == subpath)
        {
            return pinned;
        }

        var info = _inner.GetFileInfo(subpath);
        if (!info.Exists || info.IsDirectory || info.PhysicalPath is null)
        {
            return info;
        }

        var settled = DateTimeOffset.UtcNow - info.LastModified >= Settling;
        if (info.Length > MaxCachedLength)
        {
            return TreeFile.OnDisk(subpath, info, LargeTag(info, settled));
        }

        if (settled && _cache.TryGetValue(info.PhysicalPath, out var cached) && cached.Length == info.Length && cached.LastModified == info.LastModified)
        {
            return cached;
        }

        var fresh = Load(subpath, info);
        if (fresh is null)
        {
            // Grew or vanished while being read: serve it from disk like a large file.
            return TreeFile.OnDisk(subpath, info, LargeTag(info, settled: false));
        }

        if (settled && DateTimeOffset.UtcNow - fresh.LastModified >= Settling)
        {
            if (_cache.Count >= MaxEntries)
            {
                _cache.Clear();
            }

            _cache[info.PhysicalPath] = fresh;
        }

        return fresh;
    }

    /// <summary>
    /// Makes <see cref="GetFileInfo"/> answer <paramref name="file"/> for its path in this asynchronous flow (one request)
    /// until disposed, so the preconditions checked against it and the bytes then served are the same version.
    /// </summary>
    public IDisposable Pin(TreeFile file)
    {
        _pinned.Value = file;
        return new Unpin(_pinned);
    }

    public IDirectoryContents GetDirectoryContents(string subpath) => NotFoundDirectoryContents.Singleton;

    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;

    public void Dispose() => _inner.Dispose();

    /// <summary>The large file's tag: hashed on first use, and remembered while its length and time stay the same once it has settled.</summary>
    private Lazy<EntityTagHeaderValue> LargeTag(IFileInfo info, bool settled)
    {
        var path = info.PhysicalPath!;
        if (settled && _largeTags.TryGetValue(path, out var known) && known.Length == info.Length && known.LastModified == info.LastModified)
        {
            return known.Tag;
        }

        Lazy<EntityTagHeaderValue>? tag = null;
        tag = new Lazy<EntityTagHeaderValue>(() =>
        {
            try
            {
                return ContentTag.OfFile(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The failure stays with this request's file; the next request hashes the file again.
                _largeTags.TryRemove(new KeyValuePair<string, LargeFileTag>(path, new LargeFileTag(info.Length, info.LastModified, tag!)));
                throw;
            }
        });
        if (settled)
        {
            if (_largeTags.Count >= MaxEntries)
            {
                _largeTags.Clear();
            }

            _largeTags[path] = new LargeFileTag(info.Length, info.LastModified, tag);
        }

        return tag;
    }

    /// <summary>Reads the file through one handle, so content, length and time all describe the same file.</summary>
    private static TreeFile? Load(string subpath, IFileInfo info)
    {
        try
        {
            using var handle = File.OpenHandle(info.PhysicalPath!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = RandomAccess.GetLength(handle);
            if (length > MaxCachedLength)
            {
                return null;
            }

            var content = new byte[length];
            var read = 0;
            while (read < content.Length)
            {
                var n = RandomAccess.Read(handle, content.AsSpan(read), read);
                if (n == 0)
                {
                    return null;
                }

                read += n;
            }

            var modified = new DateTimeOffset(File.GetLastWriteTimeUtc(handle));
            return TreeFile.InMemory(subpath, info.Name, content, modified);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private sealed record LargeFileTag(long Length, DateTimeOffset LastModified, Lazy<EntityTagHeaderValue> Tag);

    private sealed class Unpin(AsyncLocal<TreeFile?> pinned) : IDisposable
    {
        public void Dispose() => pinned.Value = null;
    }
}
