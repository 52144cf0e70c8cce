namespace SystemImage.Core.Images.Parts;

/// <summary>How an uploaded part file is compressed: a plain tar, a gzip-compressed tar or an xz-compressed tar.</summary>
public enum PartCompression
{
    Tar,
    Gzip,
    Xz,
}
