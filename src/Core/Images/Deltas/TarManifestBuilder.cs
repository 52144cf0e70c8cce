using System.Formats.Tar;

namespace SystemImage.Core.Images.Deltas;

/// <summary>
/// Collects a <see cref="TarManifest"/> from a pass over a tarball that someone else drives (the part validator), so
/// the delta generator does not have to read the tarball again to compare it. Entries go straight to a file (or, for
/// small tarballs in tests, to memory): the builder holds none of them.
/// </summary>
internal sealed class TarManifestBuilder : IDisposable
{
    private readonly string? _path;
    private Stream? _output;
    private TarManifestWriter? _writer;
    private bool _built;

    /// <summary>A builder that writes the manifest to <paramref name="path"/> (a new file, deleted unless <see cref="Build"/> succeeds).</summary>
    public TarManifestBuilder(string path)
    {
        _path = path;
        _output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _writer = new TarManifestWriter(_output);
    }

    /// <summary>A builder that keeps the manifest in memory.</summary>
    public TarManifestBuilder()
    {
        _output = new MemoryStream();
        _writer = new TarManifestWriter(_output);
    }

    /// <summary>Why no manifest can be made (an entry a delta cannot carry), or null.</summary>
    public string? Unavailable { get; private set; }

    /// <param name="entry">The entry, global PAX headers excluded.</param>
    /// <param name="dataSha256">The SHA-256 of its data, or null when it has none.</param>
    public void Add(TarEntry entry, byte[]? dataSha256)
    {
        if (_writer is null)
        {
            return;
        }

        EntryFingerprint fingerprint;
        try
        {
            fingerprint = EntryFingerprint.Create(entry, dataSha256);
        }
        catch (InvalidDataException ex)
        {
            // The delta generator reports this itself when it meets the entry; the part is still a valid tarball.
            Unavailable = ex.Message;
            Abandon();
            return;
        }

        _writer.Add(new TargetEntry(TarPath.Normalize(entry.Name), fingerprint));
    }

    /// <summary>The manifest, or null when <see cref="Unavailable"/>. Call once, after the last entry.</summary>
    public TarManifest? Build()
    {
        if (_writer is null || _output is null)
        {
            return null;
        }

        _writer.Complete();
        var count = _writer.Count;
        _writer.Dispose();
        _writer = null;
        _built = true;
        if (_path is null)
        {
            var content = ((MemoryStream)_output).ToArray();
            _output = null;
            return TarManifest.TryRead(content);
        }

        // No fsync: a manifest is a cache, checked by its checksum whenever it is opened.
        _output.Dispose();
        _output = null;
        return TarManifest.FromFile(_path, count);
    }

    public void Dispose()
    {
        if (!_built)
        {
            Abandon();
        }
    }

    private void Abandon()
    {
        _writer?.Dispose();
        _writer = null;
        _output?.Dispose();
        _output = null;
        if (_path is not null)
        {
            File.Delete(_path);
        }
    }
}
