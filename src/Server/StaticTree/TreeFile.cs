using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace SystemImage.Server.StaticTree;

/// <summary>
/// A file of the tree as it is served: either its bytes (small files, read through one handle) or the file on disk,
/// with a strong entity tag derived from its content (never from its modification time and length, which two
/// publishes of a same-length index.json within one clock tick share).
/// </summary>
internal sealed class TreeFile : IFileInfo
{
    private readonly byte[]? _content;
    private readonly IFileInfo? _onDisk;
    private readonly Lazy<EntityTagHeaderValue> _tag;
    private string? _header;

    private TreeFile(string subpath, string name, long length, DateTimeOffset lastModified, byte[]? content, IFileInfo? onDisk, Lazy<EntityTagHeaderValue> tag)
    {
        Subpath = subpath;
        Name = name;
        Length = length;
        LastModified = lastModified;
        _content = content;
        _onDisk = onDisk;
        _tag = tag;
    }

    /// <summary>The request path this file answers (<c>/stable/mako/index.json</c>).</summary>
    public string Subpath { get; }

    /// <summary>The content's entity tag; for a file on disk computed on first use.</summary>
    public EntityTagHeaderValue ETag => _tag.Value;

    /// <summary><see cref="ETag"/> as the header's text, made once per file version (a cached file serves many requests).</summary>
    public string ETagHeader => _header ??= ETag.ToString();

    public bool Exists => true;

    public long Length { get; }

    public string? PhysicalPath => _onDisk?.PhysicalPath;

    public string Name { get; }

    /// <summary>The modification time to the clock's full precision (HTTP truncates it to the second).</summary>
    public DateTimeOffset LastModified { get; }

    public bool IsDirectory => false;

    public static TreeFile InMemory(string subpath, string name, byte[] content, DateTimeOffset lastModified) =>
        new(subpath, name, content.Length, lastModified, content, null, new Lazy<EntityTagHeaderValue>(ContentTag.Of(content)));

    public static TreeFile OnDisk(string subpath, IFileInfo file, Lazy<EntityTagHeaderValue> tag) =>
        new(subpath, file.Name, file.Length, file.LastModified, null, file, tag);

    public Stream CreateReadStream() => _content is not null ? new MemoryStream(_content, writable: false) : _onDisk!.CreateReadStream();
}
