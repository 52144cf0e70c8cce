namespace SystemImage.Core.Persistence.Entities;

/// <summary>A content-addressed file under <c>pool/</c>, shared by every channel.</summary>
public sealed class PoolFile
{
    public int Id { get; set; }

    /// <summary>Absolute path from the publish root, e.g. <c>/pool/ubuntu-&lt;sha256&gt;.tar.xz</c>.</summary>
    public required string Path { get; set; }

    public required string PartName { get; set; }

    public required string Checksum { get; set; }

    public long Size { get; set; }

    public required string Generator { get; set; }

    /// <summary>Where the content came from (source path or URL), for the sidecar.</summary>
    public string? Source { get; set; }

    public string VersionDetail { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
