using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Storage;

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

    /// <summary>
    /// Stores <paramref name="manifest"/> for the pool file whose SHA-256 is <paramref name="checksum"/>, atomically: a
    /// manifest in a file (made while its part was validated) is moved there, one in memory is written there.
    /// </summary>
    internal void Save(string checksum, TarManifest manifest)
    {
        var path = PathOf(checksum);
        PrivatePaths.CreateDirectory(Directory);
        if (manifest.FilePath is not null)
        {
            manifest.MoveTo(path);
            return;
        }

        var temp = TempPath(path);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                manifest.CopyTo(file);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// The stored manifest, or one made by scanning <paramref name="openTar"/> (an uncompressed tar stream this method
    /// disposes) and then stored. Either way it is read from its file, one entry at a time.
    /// </summary>
    /// <exception cref="InvalidDataException">The tarball is malformed or has an entry a delta cannot carry.</exception>
    internal TarManifest GetOrScan(string checksum, Func<Stream> openTar, CancellationToken cancellationToken)
    {
        var path = PathOf(checksum);
        if (File.Exists(path))
        {
            if (TarManifest.OpenOrNull(path) is { } stored)
            {
                return stored;
            }

            LogDamaged(logger, path);
        }

        PrivatePaths.CreateDirectory(Directory);
        var temp = TempPath(path);
        try
        {
            int count;
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var tar = openTar())
            {
                count = TarManifest.Scan(tar, file, cancellationToken);
            }

            File.Move(temp, path, overwrite: true);
            return TarManifest.FromFile(path, count);
        }
        finally
        {
            File.Delete(temp);
        }
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

    private static string TempPath(string path) => $"{path}.tmp-{Guid.NewGuid():N}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Manifest {Path} is damaged or of an older format: making it again from the tarball")]
    private static partial void LogDamaged(ILogger logger, string path);
}
