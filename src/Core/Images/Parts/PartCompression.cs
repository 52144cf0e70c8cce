namespace SystemImage.Core.Images.Parts;

/// <summary>How an uploaded part file is compressed: a plain tar, or a tar compressed with gzip, xz, zstd or bzip2.</summary>
public enum PartCompression
{
    Tar,
    Gzip,
    Xz,
    Zstd,
    Bzip2,
}
