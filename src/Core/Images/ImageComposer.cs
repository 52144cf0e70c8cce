using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Compression;
using SystemImage.Core.Configuration;
using SystemImage.Core.Images.Deltas;
using SystemImage.Core.Images.Parts;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Images;

/// <summary>
/// Adds a full image to a device: its version tarball, one delta image per base, and the database rows. New files
/// are staged in the change (<see cref="SystemImageDbContext.Staged"/>), which puts them in the tree after the commit
/// and before any index names them. Callers hold the publish lock; no write transaction is needed until the save.
/// </summary>
public sealed partial class ImageComposer(
    PoolWriter pool,
    VersionTarballWriter versionTarballs,
    DeltaGenerator deltas,
    TarManifestStore manifests,
    IOptions<XzOptions> xz,
    TimeProvider time,
    ILogger<ImageComposer> logger)
{
    public const string VersionPart = "version";

    public async Task<Image> ComposeAsync(
        SystemImageDbContext db, Channel channel, Device device, int version, ImageContent content, IReadOnlyList<Image> bases, CancellationToken cancellationToken)
    {
        var versionFile = content.WithVersionTarball
            ? versionTarballs.Ensure(db, channel.Name, device.Name, version, content.VersionDetail, channel.AliasTarget, content.Parts.Count)
            : null;

        var now = time.GetUtcNow();
        var full = NewImage(ImageType.Full, version, null, content, now);
        full.Files = [.. content.Parts.Select((p, i) => FileOf(p, i, content.PartNameOf(i)))];
        if (versionFile is not null)
        {
            full.Files.Add(versionFile);
        }

        foreach (var older in device.Images.Where(i => i.Version < version))
        {
            older.PhasedPercentage = null;
        }

        device.Images.Add(full);
        foreach (var baseImage in bases.Where(b => b.Type == ImageType.Full && b.Version < version))
        {
            var files = new List<ImageFile>();
            for (var index = 0; index < content.Parts.Count; index++)
            {
                var part = content.Parts[index];
                var partName = content.PartNameOf(index);
                var previous = baseImage.Files.FirstOrDefault(f => f.PartName == partName);
                if (previous?.Path == part.Path)
                {
                    continue;
                }

                var carried = previous is null ? part : await EnsureDeltaAsync(db, previous, part, content.LocalTars.GetValueOrDefault(part.Path), cancellationToken);
                files.Add(FileOf(carried, files.Count, partName));
            }

            if (versionFile is not null)
            {
                files.Add(CopyOf(versionFile, files.Count));
            }

            var delta = NewImage(ImageType.Delta, version, baseImage.Version, content, now);
            delta.Files = files;
            device.Images.Add(delta);
        }

        return full;
    }

    /// <summary>The delta from <paramref name="source"/> to <paramref name="target"/>.</summary>
    /// <param name="localTarget">Reads the target's tar more cheaply than the pool file (see <see cref="ImageContent.LocalTars"/>), or null.</param>
    private async Task<PoolFile> EnsureDeltaAsync(
        SystemImageDbContext db, ImageFile source, PoolFile target, Func<Stream>? localTarget, CancellationToken cancellationToken)
    {
        var sourcePath = source.Path;
        var path = $"{TreeLayout.PoolDirectory}/{BaseName(target.Path)}.delta-{BaseName(sourcePath)}.tar.xz";

        // A delta made earlier in this change (another device with the same parts) is only among the tracked rows.
        if (db.PoolFiles.Local.FirstOrDefault(p => p.Path == path) is { } made)
        {
            return made;
        }

        if (await db.PoolFiles.FirstOrDefaultAsync(p => p.Path == path, cancellationToken) is { } existing)
        {
            return existing;
        }

        var staged = db.StagedFiles;

        // Written in the change's staging directory, which goes away with the change if it never commits.
        var temp = Path.Combine(staged.Directory, $"delta-{Guid.NewGuid():N}.tar.xz");
        try
        {
            // The manifests spare reading and hashing both full images again: only the target's data is read, once,
            // and streamed into xz, which works on other threads while the target is decoded.
            var sourceManifest = manifests.GetOrScan(source.Checksum, () => OpenTar(staged, sourcePath), cancellationToken);
            var targetManifest = manifests.GetOrScan(target.Checksum, () => OpenTar(staged, target.Path), cancellationToken);
            var plan = DeltaGenerator.Plan(sourceManifest, targetManifest, cancellationToken);
            DeltaStats stats;
            string checksum;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var compressed = new HashingWriteStream(file))
            {
                var encoder = new XzEncoderStream(compressed, xz.Value.ToSettings().ForInputSize(plan.EstimatedTarSize), leaveOpen: true);
                try
                {
                    stats = deltas.Write(plan, localTarget ?? (() => OpenTar(staged, target.Path)), encoder, cancellationToken);
                    await encoder.CompleteAsync(cancellationToken);
                }
                catch
                {
                    encoder.Abandon();
                    throw;
                }

                await encoder.DisposeAsync();
                checksum = compressed.Sha256Hex();
            }

            // Even a delta no smaller than the full file is the delta: a device applies a delta image over its system
            // without formatting it, so only the delta's removal list deletes what the new build dropped. The device
            // picks the cheaper path by size, so it takes the full image when that costs no more.
            var size = new FileInfo(temp).Length;
            if (size >= target.Size)
            {
                LogDeltaNotSmaller(logger, BaseName(target.Path), BaseName(sourcePath), size, target.Size);
            }

            var poolFile = new PoolFile
            {
                Path = path,
                PartName = target.PartName,
                Checksum = checksum,
                Size = size,
                Generator = "delta",
                Source = sourcePath,
                VersionDetail = target.VersionDetail,
                CreatedAt = time.GetUtcNow(),
            };
            pool.StageFile(staged, path, temp, new JsonObject
            {
                ["checksum"] = checksum,
                ["generator"] = "delta",
                ["source"] = sourcePath,
                ["target"] = target.Path,
                ["version_detail"] = target.VersionDetail,
            });

            db.PoolFiles.Add(poolFile);
            LogDeltaWritten(logger, path, size, target.Size, stats.Removed, stats.Added + stats.Modified);
            return poolFile;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>A pool file's tar, from the change's staging when the change made it, else from the tree.</summary>
    private static Stream OpenTar(StagedFiles staged, string treePath) => new XzDecoderStream(File.OpenRead(staged.PathOf(treePath)));

    private static string BaseName(string treePath)
    {
        var name = treePath[(treePath.LastIndexOf('/') + 1)..];
        return name.EndsWith(".tar.xz", StringComparison.Ordinal) ? name[..^".tar.xz".Length] : name;
    }

    private static Image NewImage(ImageType type, int version, int? baseVersion, ImageContent content, DateTimeOffset now) => new()
    {
        Type = type,
        Version = version,
        Base = baseVersion,
        Description = content.Description,
        Translations = new Dictionary<string, string>(content.Translations),
        VersionDetail = content.VersionDetail,
        PhasedPercentage = content.PhasedPercentage is null or >= 100 ? null : content.PhasedPercentage,
        MinVersion = type == ImageType.Full ? content.MinVersion : null,
        Bootme = content.Bootme,
        CreatedAt = now,
    };

    private static ImageFile FileOf(PoolFile file, int order, string? partName = null) => new()
    {
        Order = order,
        PartName = partName ?? file.PartName,
        Path = file.Path,
        Signature = TreeLayout.Signature(file.Path),
        Checksum = file.Checksum,
        Size = file.Size,
    };

    private static ImageFile CopyOf(ImageFile file, int order) => new()
    {
        Order = order,
        PartName = file.PartName,
        Path = file.Path,
        Signature = file.Signature,
        Checksum = file.Checksum,
        Size = file.Size,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Delta {Target} from {Source} is {DeltaSize} bytes, not smaller than the full file ({FullSize} bytes), published all the same: a device picks the cheaper path")]
    private static partial void LogDeltaNotSmaller(ILogger logger, string target, string source, long deltaSize, long fullSize);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote delta {Path}: {DeltaSize} bytes against {FullSize} for the full file ({Removed} removed, {Changed} added or changed entries)")]
    private static partial void LogDeltaWritten(ILogger logger, string path, long deltaSize, long fullSize, int removed, int changed);
}
