using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Compression;
using SystemImage.Core.Configuration;
using SystemImage.Core.Images.Deltas;
using SystemImage.Core.Images.Parts;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Images;

/// <summary>Image operations of SPEC §4: publish from files, set the phased percentage, remove an image.</summary>
public sealed class ImageService(
    IDbContextFactory<SystemImageDbContext> dbFactory,
    TreeMutator mutator,
    ImageComposer composer,
    ImageExpiry expiry,
    PartPreparer preparer,
    PoolWriter pool,
    TarManifestStore manifests,
    AliasSync aliasSync,
    AuditLog audit,
    IOptions<SystemImageOptions> options,
    IOptions<DescriptionOptions> descriptions,
    TimeProvider time)
{
    /// <summary>Versions are 16-bit on devices.</summary>
    public const int MaxVersion = 65535;

    public async Task<OperationResult> PublishAsync(PublishImageRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (ValidateRequest(request) is { } invalid)
        {
            return invalid;
        }

        using var workArea = WorkArea.Create(options.Value.StateDir, "publish");
        var work = workArea.Path;
        var prepared = new List<(PartInput Input, string PoolPath, string SourceHash)>();
        foreach (var part in request.Parts)
        {
            var hash = await HashFileAsync(part.FilePath, cancellationToken);
            prepared.Add((part, $"{TreeLayout.PoolDirectory}/{part.Name}-{hash}.tar.xz", hash));
        }

        // Parts not in the pool yet are validated and compressed before the publish lock, so uploads do not queue
        // behind each other's compression.
        var fresh = new Dictionary<string, PreparedPart>(StringComparer.Ordinal);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var known = prepared.Select(p => p.PoolPath).ToList();
            var existing = await db.PoolFiles.Where(p => known.Contains(p.Path)).Select(p => p.Path).ToListAsync(cancellationToken);
            foreach (var (input, poolPath, _) in prepared.Where(p => !existing.Contains(p.PoolPath)))
            {
                var result = await PrepareAsync(input, work, cancellationToken);
                if (result.Part is null)
                {
                    return OperationResult.Invalid(Refusal(input, result.Error!));
                }

                fresh[poolPath] = result.Part;
            }
        }

        return await mutator.MutateAsync(db => PublishPreparedAsync(db, request, prepared, fresh, work, actor, cancellationToken), cancellationToken);
    }

    private Task<PartResult> PrepareAsync(PartInput input, string work, CancellationToken cancellationToken) =>
        preparer.PrepareAsync(input.FilePath, PartPreparer.CompressionFromFileName(input.FilePath), work, cancellationToken, owned: input.Owned);

    private static string Refusal(PartInput input, string error) => $"Part '{input.Name}' ({Path.GetFileName(input.FilePath)}): {error}";

    private async Task<Mutation> PublishPreparedAsync(
        SystemImageDbContext db,
        PublishImageRequest request,
        List<(PartInput Input, string PoolPath, string SourceHash)> prepared,
        Dictionary<string, PreparedPart> fresh,
        string work,
        Actor actor,
        CancellationToken cancellationToken)
    {
        var (channel, device, refusal) = await ImageTargets.LoadWritableAsync(db, request.Channel, request.Device, cancellationToken);
        if (device is null)
        {
            return refusal!;
        }

        var latest = device.Images.Where(i => i.Type == ImageType.Full).MaxBy(i => i.Version);
        var paths = prepared.Select(p => p.PoolPath).ToList();
        var sameFiles = latest is not null
            && latest.Files.Where(f => f.PartName != ImageComposer.VersionPart).OrderBy(f => f.Order).Select(f => f.Path).SequenceEqual(paths);
        if (sameFiles && request.Version is null && request.Tag is null)
        {
            return Mutation.Unchanged($"Nothing new: version {latest!.Version} of {request.Channel}/{request.Device} already has these files.");
        }

        var version = request.Version ?? (latest is null ? 1 : latest.Version + 1);
        if ((latest is not null && version <= latest.Version) || device.Images.Any(i => i.Version == version))
        {
            return OperationResult.Conflict($"Version {version} is not newer than the latest version {latest?.Version} of {request.Channel}/{request.Device}.");
        }

        if (version > MaxVersion)
        {
            return OperationResult.Invalid($"Version {version} is out of range (0–{MaxVersion}).");
        }

        if (request.MinVersion > version)
        {
            return OperationResult.Invalid(MinVersionError(request.MinVersion.Value, version));
        }

        var parts = new List<PoolFile>();
        foreach (var (input, poolPath, sourceHash) in prepared)
        {
            if (await db.PoolFiles.FirstOrDefaultAsync(p => p.Path == poolPath, cancellationToken) is { } known)
            {
                parts.Add(known);
                continue;
            }

            // In the pool when this publish began, but removed since (a clean-up of orphans ran in between): prepare it now.
            if (!fresh.TryGetValue(poolPath, out var part))
            {
                var again = await PrepareAsync(input, work, cancellationToken);
                if (again.Part is null)
                {
                    return OperationResult.Invalid(Refusal(input, again.Error!));
                }

                part = fresh[poolPath] = again.Part;
            }

            parts.Add(StagePart(db, input, poolPath, sourceHash, part));
        }

        var detail = VersionDetail.Join(parts.Select(p => p.VersionDetail), request.Tag, version);
        var content = new ImageContent(parts, detail, request.Description ?? detail)
        {
            LocalTars = LocalTars(prepared, fresh),
            PhasedPercentage = request.PhasedPercentage,
            MinVersion = request.MinVersion,
            Bootme = request.Bootme,
        };
        var bases = await DeltaBases.LatestFullImagesAsync(db, channel!, device, cancellationToken);
        var before = ImageAudit.Versions(device);
        await composer.ComposeAsync(db, channel!, device, version, content, bases, cancellationToken);
        expiry.Expire(db, channel!, device);
        audit.Record(db, actor, "publish-image", $"{request.Channel}/{request.Device}", request.Channel,
            ImageAudit.Published(before, device, version, $"{detail}{(request.PhasedPercentage is { } p ? $", phased at {p}%" : "")}"));
        await db.SaveChangesAsync(cancellationToken);
        var publish = PublishRequest.ForDevices([new DeviceRef(request.Channel, request.Device)])
            .Merge(await aliasSync.SyncAliasesOfAsync(db, channel!, cancellationToken));
        return new Mutation(
            OperationResult.Ok($"Published version {version} of {request.Channel}/{request.Device}{(bases.Count == 0 ? "" : $" with deltas from {string.Join(", ", bases.Select(b => b.Version))}")}."),
            publish);
    }

    /// <summary>
    /// The uploads of the parts just prepared from a .tar, .tar.gz or .tar.zst: cheaper for a delta to read than the new
    /// .tar.xz. Not a .tar.bz2: SharpCompress's bzip2 decoder (25 MB/s on bench/parts' corpus) is slower than liblzma
    /// reading the .tar.xz (75 MB/s on one core).
    /// </summary>
    private static Dictionary<string, Func<Stream>> LocalTars(
        List<(PartInput Input, string PoolPath, string SourceHash)> prepared, Dictionary<string, PreparedPart> fresh)
    {
        var tars = new Dictionary<string, Func<Stream>>(StringComparer.Ordinal);
        foreach (var (input, poolPath, _) in prepared)
        {
            switch (fresh.GetValueOrDefault(poolPath)?.InputCompression)
            {
                case PartCompression.Tar:
                    tars[poolPath] = () => File.OpenRead(input.FilePath);
                    break;
                case PartCompression.Gzip:
                    tars[poolPath] = () => new GzipDecoderStream(File.OpenRead(input.FilePath));
                    break;
                case PartCompression.Zstd:
                    tars[poolPath] = () => new ZstdDecoderStream(File.OpenRead(input.FilePath));
                    break;
            }
        }

        return tars;
    }

    private PoolFile StagePart(SystemImageDbContext db, PartInput input, string poolPath, string sourceHash, PreparedPart part)
    {
        var detail = $"{input.Name}={sourceHash[..12]}";
        pool.StageFile(db.StagedFiles, poolPath, part.OutputPath, new JsonObject
        {
            ["checksum"] = part.Checksum,
            ["generator"] = "publish-image",
            ["source"] = Path.GetFileName(input.FilePath),
            ["source_sha256"] = sourceHash,
            ["version_detail"] = detail,
        });
        var poolFile = new PoolFile
        {
            Path = poolPath,
            PartName = input.Name,
            Checksum = part.Checksum,
            Size = part.Size,
            Generator = "publish-image",
            Source = Path.GetFileName(input.FilePath),
            VersionDetail = detail,
            CreatedAt = time.GetUtcNow(),
        };
        db.PoolFiles.Add(poolFile);
        if (part.Manifest is { } manifest)
        {
            manifests.Save(part.Checksum, manifest);
        }

        return poolFile;
    }

    /// <summary>minversion tells devices older than it to take this full image: at most the image's own version.</summary>
    private static string MinVersionError(int minVersion, int? version) =>
        $"minVersion {minVersion} is out of range: it must be between 0 and the version being published{(version is { } v ? $" ({v})" : "")}.";

    private OperationResult? ValidateRequest(PublishImageRequest request)
    {
        if (request.Parts.Count == 0)
        {
            return OperationResult.Invalid("An image needs at least one part (PART=FILE).");
        }

        foreach (var part in request.Parts)
        {
            if (Names.ValidatePart(part.Name) is { } error)
            {
                return OperationResult.Invalid(error);
            }

            if (part.Name == ImageComposer.VersionPart)
            {
                return OperationResult.Invalid("'version' is reserved for the version tarball the server adds last.");
            }

            if (!File.Exists(part.FilePath))
            {
                return OperationResult.Invalid($"Part '{part.Name}': file '{part.FilePath}' does not exist.");
            }
        }

        if (request.Parts.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            return OperationResult.Invalid($"Part '{duplicate.Key}' is given more than once.");
        }

        if (request.PhasedPercentage is < 0 or > 100)
        {
            return OperationResult.Invalid($"Phased percentage {request.PhasedPercentage} is outside 0–100.");
        }

        if (request.Tag is { } tag && VersionDetail.ValidateTag(tag) is { } tagError)
        {
            return OperationResult.Invalid(tagError);
        }

        if (request.MinVersion is < 0 or > MaxVersion || request.MinVersion > request.Version)
        {
            return OperationResult.Invalid(MinVersionError(request.MinVersion.Value, request.Version));
        }

        if (ImageDescriptions.Validate(request.Description, null, descriptions.Value) is { } descriptionError)
        {
            return OperationResult.Invalid(descriptionError);
        }

        return request.Version is < 0 or > MaxVersion ? OperationResult.Invalid($"Version {request.Version} is out of range (0–{MaxVersion}).") : null;
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
