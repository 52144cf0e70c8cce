using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Images;

/// <summary>copy-image (promote, revert) and tag-image of SPEC §4, with their refusals.</summary>
public sealed class ImageCopyService(
    IDbContextFactory<SystemImageDbContext> dbFactory, TreeMutator mutator, ImageCopier copier, AliasSync aliasSync, AuditLog audit, TimeProvider time)
{
    /// <summary>
    /// What <see cref="CopyAsync"/> would publish for <paramref name="request"/> — the new version and the versions its
    /// deltas would start from — or its refusal, without changing anything. Both share one plan, so they cannot disagree.
    /// </summary>
    public async Task<(OperationResult Result, CopyPreview? Preview)> PreviewAsync(CopyImageRequest request, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } invalid)
        {
            return (invalid, null);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var plan = await PlanAsync(db, request, cancellationToken);
        if (plan.Refusal is not null)
        {
            return (plan.Refusal, null);
        }

        var bases = await ImageCopier.DeltaBasesAsync(db, plan.Channel!, plan.Device!, plan.Version, cancellationToken);
        var preview = new CopyPreview(plan.Source!.Version, plan.Version, plan.Detail, [.. bases.Select(b => b.Version)], request.PhasedPercentage ?? 100);
        var deltas = preview.DeltaBases.Count == 0 ? "without deltas (no delta base has a full image here)" : $"with deltas from {string.Join(", ", preview.DeltaBases)}";
        return (OperationResult.Ok($"Would copy version {preview.SourceVersion} of {request.SourceChannel}/{request.Device} to {request.DestinationChannel} as version {preview.NewVersion}, {deltas}."), preview);
    }

    public Task<OperationResult> CopyAsync(CopyImageRequest request, Actor actor, CancellationToken cancellationToken) =>
        CopyAsync(request, actor, revert: false, cancellationToken);

    /// <summary>
    /// Publishes the good build of <paramref name="request"/> again as the newest version of its own channel, marks the
    /// device's latest version (the bad one) as reverted and audits it as <c>revert-image</c> naming that version.
    /// </summary>
    internal Task<OperationResult> RevertAsync(CopyImageRequest request, Actor actor, CancellationToken cancellationToken) =>
        CopyAsync(request, actor, revert: true, cancellationToken);

    private Task<OperationResult> CopyAsync(CopyImageRequest request, Actor actor, bool revert, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } invalid)
        {
            return Task.FromResult(invalid);
        }

        return mutator.MutateAsync(async db =>
        {
            var plan = await PlanAsync(db, request, cancellationToken);
            if (plan.Refusal is not null)
            {
                return plan.Refusal;
            }

            var (source, channel, device, version, detail) = (plan.Source!, plan.Channel!, plan.Device!, plan.Version, plan.Detail);
            var before = ImageAudit.Versions(device);
            var bad = device.Images.Where(i => i.Type == ImageType.Full).MaxBy(i => i.Version)?.Version;
            if (revert && bad is not null)
            {
                MarkReverted(device, bad.Value, time.GetUtcNow());
            }

            await copier.CopyAsync(db, source, channel, device, version, detail, request.PhasedPercentage, cancellationToken);
            if (revert)
            {
                audit.Record(db, actor, "revert-image", $"{request.DestinationChannel}/{request.Device}", request.DestinationChannel,
                    ImageAudit.Published($"{before}; bad version {bad}", device, version, $"good version {source.Version} again over bad version {bad} ({detail})"));
                return new Mutation(
                    OperationResult.Ok($"Published good version {source.Version} again as version {version} over bad version {bad}."),
                    await RepublishAsync(db, channel, request.Device, cancellationToken));
            }

            audit.Record(db, actor, "copy-image", $"{request.DestinationChannel}/{request.Device}", request.DestinationChannel,
                ImageAudit.Published(before, device, version, $"copy of {request.SourceChannel} version {source.Version} ({detail})"));
            return new Mutation(
                OperationResult.Ok($"Copied version {source.Version} of {request.SourceChannel}/{request.Device} to {request.DestinationChannel} as version {version}."),
                await RepublishAsync(db, channel, request.Device, cancellationToken));
        }, cancellationToken);
    }

    public Task<OperationResult> TagAsync(string channelName, string deviceName, int version, string tag, Actor actor, CancellationToken cancellationToken)
    {
        if (VersionDetail.ValidateTag(tag) is { } tagError)
        {
            return Task.FromResult(OperationResult.Invalid(tagError));
        }

        return mutator.MutateAsync(async db =>
        {
            var (channel, device, refusal) = await ImageTargets.LoadWritableAsync(db, channelName, deviceName, cancellationToken);
            if (device is null)
            {
                return refusal!;
            }

            var source = device.Images.FirstOrDefault(i => i.Type == ImageType.Full && i.Version == version);
            if (source is null)
            {
                return OperationResult.NotFound($"{channelName}/{deviceName} has no full image {version}.");
            }

            var latest = device.Images.Max(i => i.Version);
            if (version == latest && VersionDetail.Split(source.VersionDetail).Any(kv => kv.Key == "tag" && kv.Value == tag))
            {
                return Mutation.Unchanged($"Nothing changed: version {version} of {channelName}/{deviceName} is the latest and already is tagged '{tag}'.");
            }

            var next = latest + 1;
            if (next > ImageService.MaxVersion)
            {
                return OperationResult.Invalid($"Version {next} would be out of range (0–{ImageService.MaxVersion}): {channelName}/{deviceName} has no version number left.");
            }

            var detail = Retag(source.VersionDetail, tag, next);
            var before = ImageAudit.Versions(device);
            await copier.CopyAsync(db, source, channel!, device, next, detail, source.PhasedPercentage, cancellationToken);
            audit.Record(db, actor, "tag-image", $"{channelName}/{deviceName}", channelName, ImageAudit.Published(before, device, next, $"version {version} tagged '{tag}' ({detail})"));
            return new Mutation(
                OperationResult.Ok($"Tagged version {version} of {channelName}/{deviceName} as '{tag}': published version {next}."),
                await RepublishAsync(db, channel!, deviceName, cancellationToken));
        }, cancellationToken);
    }

    /// <summary>version_detail of a copy: the source's parts, the new tag (replacing any old one) and the new version.</summary>
    public static string Retag(string sourceDetail, string? tag, int version)
    {
        var items = VersionDetail.Split(sourceDetail)
            .Where(kv => kv.Key != "version" && (tag is null || kv.Key != "tag"))
            .Select(kv => $"{kv.Key}={kv.Value}");
        return VersionDetail.Join(items, tag, version);
    }

    private static OperationResult? Validate(CopyImageRequest request)
    {
        if (request.PhasedPercentage is < 0 or > 100)
        {
            return OperationResult.Invalid($"Phased percentage {request.PhasedPercentage} is outside 0–100.");
        }

        if (request.Tag is { } tag && VersionDetail.ValidateTag(tag) is { } tagError)
        {
            return OperationResult.Invalid(tagError);
        }

        return request.Offset is < 0 || (request.Offset is not null && request.Version is not null)
            ? OperationResult.Invalid("Give either a version or a non-negative offset, not both.")
            : null;
    }

    /// <summary>The source image, the destination and the version and version_detail the copy gets, or the refusal.</summary>
    private static async Task<CopyPlan> PlanAsync(SystemImageDbContext db, CopyImageRequest request, CancellationToken cancellationToken)
    {
        var source = await LoadSourceAsync(db, request, cancellationToken);
        if (source.Image is null)
        {
            return CopyPlan.Refused(source.Refusal!);
        }

        var (channel, device, refusal) = await ImageTargets.LoadWritableAsync(db, request.DestinationChannel, request.Device, cancellationToken);
        if (device is null)
        {
            return CopyPlan.Refused(refusal!);
        }

        var latest = device.Images.Where(i => i.Type == ImageType.Full).MaxBy(i => i.Version);
        if (latest is not null && SameParts(latest, source.Image) && request.Tag is null)
        {
            return CopyPlan.Refused(OperationResult.Conflict(
                $"Version {source.Image.Version} of {request.SourceChannel}/{request.Device} already is the latest full image ({latest.Version}) of {request.DestinationChannel}."));
        }

        var version = request.KeepVersion ? source.Image.Version : (latest?.Version ?? 0) + 1;
        if (latest is not null && version <= latest.Version)
        {
            return CopyPlan.Refused(OperationResult.Conflict(
                $"Cannot keep version {version}: {request.DestinationChannel}/{request.Device} is already at version {latest.Version}."));
        }

        if (version > ImageService.MaxVersion)
        {
            return CopyPlan.Refused(OperationResult.Invalid(
                $"Version {version} would be out of range (0–{ImageService.MaxVersion}): {request.DestinationChannel}/{request.Device} has no version number left."));
        }

        return new CopyPlan(null, source.Image, channel, device, version, Retag(source.Image.VersionDetail, request.Tag, version));
    }

    private static async Task<(Image? Image, OperationResult? Refusal)> LoadSourceAsync(SystemImageDbContext db, CopyImageRequest request, CancellationToken cancellationToken)
    {
        var device = await db.Devices.Include(d => d.Images).ThenInclude(i => i.Files)
            .FirstOrDefaultAsync(d => d.Channel.Name == request.SourceChannel && d.Name == request.Device, cancellationToken);
        if (device is null)
        {
            return (null, await db.Channels.AnyAsync(c => c.Name == request.SourceChannel, cancellationToken)
                ? OperationResult.NotFound($"Channel '{request.SourceChannel}' has no device '{request.Device}'.")
                : OperationResult.NotFound($"Channel '{request.SourceChannel}' does not exist."));
        }

        var fulls = device.Images.Where(i => i.Type == ImageType.Full).OrderByDescending(i => i.Version).ToList();
        var image = request.Version is { } version ? fulls.FirstOrDefault(i => i.Version == version) : fulls.ElementAtOrDefault(request.Offset ?? 0);
        return image is null
            ? (null, OperationResult.NotFound($"{request.SourceChannel}/{request.Device} has no full image {(request.Version is { } v ? $"{v}" : $"at offset {request.Offset ?? 0}")}."))
            : (image, null);
    }

    /// <summary>Marks every entry (full and deltas) of <paramref name="version"/> as reverted.</summary>
    internal static void MarkReverted(Device device, int version, DateTimeOffset at)
    {
        foreach (var entry in device.Images.Where(i => i.Version == version))
        {
            entry.RevertedAt = at;
        }
    }

    /// <summary>True when two full images carry the same files (the version tarball aside).</summary>
    internal static bool SameParts(Image a, Image b) =>
        a.Files.Where(f => f.PartName != ImageComposer.VersionPart).OrderBy(f => f.Order).Select(f => f.Path)
            .SequenceEqual(b.Files.Where(f => f.PartName != ImageComposer.VersionPart).OrderBy(f => f.Order).Select(f => f.Path));

    private sealed record CopyPlan(OperationResult? Refusal, Image? Source, Channel? Channel, Device? Device, int Version, string Detail)
    {
        public static CopyPlan Refused(OperationResult refusal) => new(refusal, null, null, null, 0, "");
    }

    private async Task<PublishRequest> RepublishAsync(SystemImageDbContext db, Channel channel, string device, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        return PublishRequest.ForDevices([new DeviceRef(channel.Name, device)]).Merge(await aliasSync.SyncAliasesOfAsync(db, channel, cancellationToken));
    }
}
