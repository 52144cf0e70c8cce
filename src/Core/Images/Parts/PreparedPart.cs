namespace SystemImage.Core.Images.Parts;

/// <summary>A validated part, written as a .tar.xz file that is ready to be renamed into the pool.</summary>
/// <param name="SourceSha256">Lowercase hex SHA-256 of the input file's bytes as given; names the pool file <c>pool/&lt;part&gt;-&lt;SourceSha256&gt;.tar.xz</c>.</param>
/// <param name="OutputPath">The finished, fsynced .tar.xz file, in the work directory the caller gave.</param>
/// <param name="Checksum">Lowercase hex SHA-256 of the bytes of <paramref name="OutputPath"/>.</param>
/// <param name="Size">Length of <paramref name="OutputPath"/> in bytes.</param>
/// <param name="InputCompression">The compression the input really had.</param>
/// <param name="StoredAsIs">True when the input already was a valid .tar.xz and was kept byte for byte, without recompression.</param>
/// <param name="Entries">Number of entries in the tar.</param>
public sealed record PreparedPart(
    string SourceSha256,
    string OutputPath,
    string Checksum,
    long Size,
    PartCompression InputCompression,
    bool StoredAsIs,
    int Entries)
{
    /// <summary>The entries' fingerprints, made during validation (a file beside the output); null when an entry is one a delta cannot carry.</summary>
    internal Deltas.TarManifest? Manifest { get; init; }

    /// <summary>Deletes the output and its manifest, for a part that will not be used after all.</summary>
    internal void Discard()
    {
        File.Delete(OutputPath);
        if (Manifest?.FilePath is { } manifest)
        {
            File.Delete(manifest);
        }
    }
}
