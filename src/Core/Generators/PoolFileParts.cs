using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Generators;

/// <summary>Helpers for generators that hand back a pool file made earlier, possibly under another part name.</summary>
internal static class PoolFileParts
{
    /// <summary>
    /// <paramref name="file"/> as part <paramref name="partName"/> of the new image: the same object when its part name
    /// already is that, otherwise a detached copy (same path, checksum and size) so the database row stays as it is.
    /// The image's files take their part name from the returned object, which is how deltas and
    /// <see cref="GeneratorContext.Previous"/> pair files.
    /// </summary>
    public static PoolFile AsPart(this PoolFile file, string partName) => file.PartName == partName
        ? file
        : new PoolFile
        {
            Id = file.Id,
            Path = file.Path,
            PartName = partName,
            Checksum = file.Checksum,
            Size = file.Size,
            Generator = file.Generator,
            Source = file.Source,
            VersionDetail = file.VersionDetail,
            CreatedAt = file.CreatedAt,
        };

    /// <summary>Lowercase hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>The pool path <c>/pool/&lt;name&gt;-&lt;hash&gt;.tar.xz</c>.</summary>
    public static string PoolPath(string name, string hash) => $"{Publishing.TreeLayout.PoolDirectory}/{name}-{hash}.tar.xz";
}
