using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;

namespace SystemImage.Core.Images.Deltas;

/// <summary>
/// Keeps the <see cref="TarManifest"/> of each pool tarball in <c>state/manifests/&lt;checksum&gt;.manifest</c>, keyed
/// by the SHA-256 of the .tar.xz file, so a delta reads only the target's data instead of decompressing and hashing
/// both full images. A manifest is a cache: a missing or damaged one is made again by scanning the tarball.
/// </summary>
public sealed partial class TarManifestStore(IOptions<SystemImageOptions> options, ILogger<TarManifestStore> logger)
{
    private const string Extension = ".manifest";

    private string Directory => Path.Combine(options.Value.StateDir, "manifests");

    /// <summary>Stores <paramref name="manifest"/> for the pool file whose SHA-256 is <paramref name="checksum"/>, atomically.</summary>
    internal void Save(string checksum, TarManifest manifest)
    {
        var path = PathOf(checksum);
        System.IO.Directory.CreateDirectory(Directory);
        var temp = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                manifest.WriteTo(file);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The stored manifest, or one made by scanning <paramref name="openTar"/> (an uncompressed tar stream this method disposes) and then stored.</summary>
    /// <exception cref="InvalidDataException">The tarball is malformed or has an entry a delta cannot carry.</exception>
    internal TarManifest GetOrScan(string checksum, Func<Stream> openTar, CancellationToken cancellationToken)
    {
        var path = PathOf(checksum);
        if (File.Exists(path))
        {
            if (TarManifest.TryRead(File.ReadAllBytes(path)) is { } stored)
            {
                return stored;
            }

            LogDamaged(logger, path);
        }

        TarManifest manifest;
        using (var tar = openTar())
        {
            manifest = TarManifest.Scan(tar, cancellationToken);
        }

        Save(checksum, manifest);
        return manifest;
    }

    /// <summary>Deletes the manifests of pool files that are gone (and leftovers of interrupted writes); returns how many.</summary>
    public int Prune(IReadOnlySet<string> liveChecksums)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            var name = Path.GetFileName(file);
            if (!name.EndsWith(Extension, StringComparison.Ordinal) || !liveChecksums.Contains(name[..^Extension.Length]))
            {
                File.Delete(file);
                removed++;
            }
        }

        return removed;
    }

    private string PathOf(string checksum)
    {
        if (checksum.Length != 64 || !checksum.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"'{checksum}' is not a lowercase hex SHA-256.", nameof(checksum));
        }

        return Path.Combine(Directory, checksum + Extension);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Manifest {Path} is damaged: making it again from the tarball")]
    private static partial void LogDamaged(ILogger logger, string path);
}
