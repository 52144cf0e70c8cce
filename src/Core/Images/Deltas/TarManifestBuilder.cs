using System.Formats.Tar;

namespace SystemImage.Core.Images.Deltas;

/// <summary>
/// Collects a <see cref="TarManifest"/> from a pass over a tarball that someone else drives (the part validator), so
/// the delta generator does not have to read the tarball again to compare it.
/// </summary>
internal sealed class TarManifestBuilder
{
    private readonly List<TargetEntry> _entries = [];

    /// <summary>Why no manifest can be made (an entry a delta cannot carry), or null.</summary>
    public string? Unavailable { get; private set; }

    /// <param name="entry">The entry, global PAX headers excluded.</param>
    /// <param name="dataSha256">The SHA-256 of its data, or null when it has none.</param>
    public void Add(TarEntry entry, byte[]? dataSha256)
    {
        if (Unavailable is not null)
        {
            return;
        }

        try
        {
            _entries.Add(new TargetEntry(TarPath.Normalize(entry.Name), EntryFingerprint.Create(entry, dataSha256)));
        }
        catch (InvalidDataException ex)
        {
            // The delta generator reports this itself when it meets the entry; the part is still a valid tarball.
            Unavailable = ex.Message;
            _entries.Clear();
        }
    }

    /// <summary>The manifest, or null when <see cref="Unavailable"/>.</summary>
    public TarManifest? Build() => Unavailable is null ? new TarManifest(_entries.ToList()) : null;
}
