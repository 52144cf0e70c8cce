namespace SystemImage.Core.Persistence.Entities;

/// <summary>A file of an image, in the order devices apply it.</summary>
public sealed class ImageFile
{
    public int Id { get; set; }

    public int ImageId { get; set; }

    public Image Image { get; set; } = null!;

    public int Order { get; set; }

    /// <summary>Part name such as <c>ubuntu</c>, <c>device</c>, <c>custom</c> or <c>version</c>.</summary>
    public required string PartName { get; set; }

    /// <summary>Absolute path from the publish root, starting with <c>/</c>.</summary>
    public required string Path { get; set; }

    public required string Signature { get; set; }

    /// <summary>Lowercase hex SHA-256 of the whole file.</summary>
    public required string Checksum { get; set; }

    public long Size { get; set; }
}
