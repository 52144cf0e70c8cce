using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Images;

/// <summary>
/// Promotes a whole channel: for every device of the destination, the source's latest full image is copied as the
/// destination's next version when it differs from the destination's latest (the store "promote" habit). One
/// mutation, one audit entry, one result per device.
/// </summary>
public sealed class ChannelPromotion(
    IDbContextFactory<SystemImageDbContext> dbFactory, TreeMutator mutator, ImageCopier copier, AliasSync aliasSync, AuditLog audit)
{
    /// <summary>What a promotion would do, device by device, without changing anything.</summary>
    public async Task<(OperationResult Result, IReadOnlyList<DevicePromotion> Devices)> PreviewAsync(string from, string to, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (refusal, plan) = await PlanAsync(db, from, to, cancellationToken);
        return (refusal ?? OperationResult.Ok(Summary(from, to, plan, preview: true)), [.. plan.Select(p => p.Result)]);
    }

    public async Task<(OperationResult Result, IReadOnlyList<DevicePromotion> Devices)> PromoteAsync(
        string from, string to, int? phasedPercentage, string? tag, Actor actor, CancellationToken cancellationToken)
    {
        if (phasedPercentage is < 0 or > 100)
        {
            return (OperationResult.Invalid($"Phased percentage {phasedPercentage} is outside 0–100."), []);
        }

        if (tag is not null && VersionDetail.ValidateTag(tag) is { } tagError)
        {
            return (OperationResult.Invalid(tagError), []);
        }

        IReadOnlyList<DevicePromotion> results = [];
        var outcome = await mutator.MutateAsync(async db =>
        {
            var (refusal, plan) = await PlanAsync(db, from, to, cancellationToken);
            results = [.. plan.Select(p => p.Result)];
            if (refusal is not null)
            {
                return refusal;
            }

            var publish = PublishRequest.ChannelsOnly;
            var channel = await db.Channels.FirstAsync(c => c.Name == to, cancellationToken);
            foreach (var (result, source, device) in plan.Where(p => p.Source is not null))
            {
                var detail = ImageCopyService.Retag(source!.VersionDetail, tag, result.NewVersion!.Value);
                await copier.CopyAsync(db, source, channel, device!, result.NewVersion.Value, detail, phasedPercentage, cancellationToken);
                publish = publish.Merge(PublishRequest.ForDevices([new DeviceRef(to, device!.Name)]));
            }

            var summary = Summary(from, to, plan, preview: false);
            audit.Record(db, actor, "promote-channel", to, to, new AuditChange(
                Latest(plan.Select(p => (p.Result.Device, p.Result.CurrentVersion))),
                Latest(plan.Select(p => (p.Result.Device, p.Result.NewVersion ?? p.Result.CurrentVersion))) + $" (from {from})"));
            await db.SaveChangesAsync(cancellationToken);
            publish = publish.Merge(await aliasSync.SyncAliasesOfAsync(db, channel, cancellationToken));
            return new Mutation(OperationResult.Ok(summary), publish);
        }, cancellationToken);
        return (outcome, results);
    }

    private static async Task<(OperationResult? Refusal, List<(DevicePromotion Result, Image? Source, Device? Device)> Plan)> PlanAsync(
        SystemImageDbContext db, string from, string to, CancellationToken cancellationToken)
    {
        var plan = new List<(DevicePromotion, Image?, Device?)>();
        if (from == to)
        {
            return (OperationResult.Invalid("A channel cannot be promoted from itself."), plan);
        }

        var target = await db.Channels.FirstOrDefaultAsync(c => c.Name == to, cancellationToken);
        var source = await db.Channels.FirstOrDefaultAsync(c => c.Name == from, cancellationToken);
        if (target is null || source is null)
        {
            return (OperationResult.NotFound($"Channel '{(target is null ? to : from)}' does not exist."), plan);
        }

        if ((target.AliasTarget ?? target.RedirectTarget) is { } other)
        {
            return (OperationResult.Conflict($"Channel '{to}' is {(target.AliasTarget is null ? "a redirect to" : "an alias of")} '{other}'; it has no images of its own."), plan);
        }

        if (Names.RefuseStoredChannel(to) is { } stale)
        {
            return (OperationResult.Conflict(stale), plan);
        }

        var devices = await db.Devices.Include(d => d.Images).ThenInclude(i => i.Files)
            .Where(d => d.ChannelId == target.Id).OrderBy(d => d.Name).ToListAsync(cancellationToken);
        var sourceChannel = source.AliasTarget ?? from;
        foreach (var device in devices)
        {
            var latest = device.Images.Where(i => i.Type == ImageType.Full).MaxBy(i => i.Version);
            if (device.RedirectTarget is not null)
            {
                plan.Add((new DevicePromotion(device.Name, latest?.Version, null, null, $"skipped: redirected to {device.RedirectTarget}"), null, null));
                continue;
            }

            if (Names.ValidateDevice(device.Name) is { } invalid)
            {
                plan.Add((new DevicePromotion(device.Name, latest?.Version, null, null, $"skipped: {invalid}"), null, null));
                continue;
            }

            var candidate = await db.Images.Include(i => i.Files)
                .Where(i => i.Type == ImageType.Full && i.Device.Name == device.Name && i.Device.Channel.Name == sourceChannel)
                .OrderByDescending(i => i.Version).FirstOrDefaultAsync(cancellationToken);
            if (candidate is null)
            {
                plan.Add((new DevicePromotion(device.Name, latest?.Version, null, null, $"skipped: {from} has no full image of {device.Name}"), null, null));
            }
            else if (latest is not null && ImageCopyService.SameParts(latest, candidate))
            {
                plan.Add((new DevicePromotion(device.Name, latest.Version, candidate.Version, null, "unchanged: already the latest"), null, null));
            }
            else if ((latest?.Version ?? 0) >= ImageService.MaxVersion)
            {
                plan.Add((new DevicePromotion(device.Name, latest?.Version, candidate.Version, null, $"skipped: version {ImageService.MaxVersion + 1} would be out of range (0–{ImageService.MaxVersion})"), null, null));
            }
            else
            {
                var next = (latest?.Version ?? 0) + 1;
                plan.Add((new DevicePromotion(device.Name, latest?.Version, candidate.Version, next, $"version {candidate.Version} of {from} as version {next}"), candidate, device));
            }
        }

        return (null, plan);
    }

    private static string Latest(IEnumerable<(string Device, int? Version)> devices) =>
        "latest " + Names.List(devices.Select(d => $"{d.Device} {(d.Version is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}"));

    private static string Summary(string from, string to, List<(DevicePromotion Result, Image? Source, Device? Device)> plan, bool preview)
    {
        var copied = plan.Count(p => p.Source is not null);
        return $"{(preview ? "Would promote" : "Promoted")} {from} to {to}: {copied} of {plan.Count} device(s) {(preview ? "get" : "got")} a new image"
            + (plan.Count == 0 ? "." : $" ({string.Join("; ", plan.Select(p => $"{p.Result.Device}: {p.Result.Outcome}"))}).");
    }
}

/// <summary>One device's part of a promotion.</summary>
/// <param name="CurrentVersion">The destination's latest full version before.</param>
/// <param name="SourceVersion">The source's latest full version.</param>
/// <param name="NewVersion">The version the copy gets, or null when the device is left as it is.</param>
public sealed record DevicePromotion(string Device, int? CurrentVersion, int? SourceVersion, int? NewVersion, string Outcome);
