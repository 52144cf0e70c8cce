using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Images;

/// <summary>
/// Reverts a whole channel: every device's latest full image is marked reverted and its previous good build (the newest
/// earlier full image with other files that was not itself reverted) is published again as its next version, in one
/// change audited as <c>revert-channel</c>. An automatic channel's imports are paused first, as for one device.
/// </summary>
public sealed class ChannelRevert(
    IDbContextFactory<SystemImageDbContext> dbFactory, TreeMutator mutator, ImageCopier copier, AliasSync aliasSync, AuditLog audit,
    ImporterConfigService importers, TimeProvider time)
{
    /// <summary>What <see cref="RevertAsync"/> would do, device by device, without changing anything.</summary>
    public async Task<(OperationResult Result, IReadOnlyList<DeviceRevert> Devices)> PreviewAsync(string channel, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (refusal, _, plan) = await PlanAsync(db, channel, cancellationToken);
        return (refusal ?? OperationResult.Ok(Summary(channel, plan, preview: true)), [.. plan.Select(p => p.Result)]);
    }

    public async Task<(OperationResult Result, IReadOnlyList<DeviceRevert> Devices)> RevertAsync(string channel, Actor actor, CancellationToken cancellationToken)
    {
        var (check, planned) = await PreviewAsync(channel, cancellationToken);
        if (!check.Succeeded)
        {
            return (check, planned);
        }

        var config = await importers.GetAsync(channel, cancellationToken);
        OperationResult? paused = null;
        if (config is { Type: ChannelType.Auto, Paused: false } && planned.Any(d => d.NewVersion is not null))
        {
            paused = await importers.SetPausedAsync(channel, true, actor, cancellationToken);
            if (!paused.Succeeded)
            {
                return (paused, planned);
            }
        }

        IReadOnlyList<DeviceRevert> results = [];
        var outcome = await mutator.MutateAsync(async db =>
        {
            var (refusal, owner, plan) = await PlanAsync(db, channel, cancellationToken);
            results = [.. plan.Select(p => p.Result)];
            if (refusal is not null)
            {
                return refusal;
            }

            var publish = PublishRequest.ChannelsOnly;
            var reverting = plan.Where(p => p.Good is not null).ToList();
            foreach (var (result, good, device) in reverting)
            {
                ImageCopyService.MarkReverted(device!, result.BadVersion!.Value, time.GetUtcNow());
                var version = result.NewVersion!.Value;
                await copier.CopyAsync(db, good!, owner!, device!, version, ImageCopyService.Retag(good!.VersionDetail, null, version), null, cancellationToken);
                publish = publish.Merge(PublishRequest.ForDevices([new DeviceRef(channel, device!.Name)]));
            }

            if (reverting.Count > 0)
            {
                audit.Record(db, actor, "revert-channel", channel, channel, new AuditChange(
                    "bad " + Names.List(reverting.Select(r => $"{r.Result.Device} {Number(r.Result.BadVersion)}")),
                    Names.List(reverting.Select(r => $"{r.Result.Device} {Number(r.Result.NewVersion)} (good {Number(r.Result.GoodVersion)})"))));
                await db.SaveChangesAsync(cancellationToken);
                publish = publish.Merge(await aliasSync.SyncAliasesOfAsync(db, owner!, cancellationToken));
            }

            return new Mutation(OperationResult.Ok(Summary(channel, plan, preview: false)), publish);
        }, cancellationToken);
        return (paused is null || !outcome.Succeeded ? outcome : outcome with { Message = $"{paused.Message} {outcome.Message}" }, results);
    }

    private static async Task<(OperationResult? Refusal, Channel? Channel, List<(DeviceRevert Result, Image? Good, Device? Device)> Plan)> PlanAsync(
        SystemImageDbContext db, string channel, CancellationToken cancellationToken)
    {
        var plan = new List<(DeviceRevert, Image?, Device?)>();
        var owner = await db.Channels.FirstOrDefaultAsync(c => c.Name == channel, cancellationToken);
        if (owner is null)
        {
            return (OperationResult.NotFound($"Channel '{channel}' does not exist."), null, plan);
        }

        if ((owner.AliasTarget ?? owner.RedirectTarget) is { } other)
        {
            return (OperationResult.Conflict($"Channel '{channel}' is {(owner.AliasTarget is null ? "a redirect to" : "an alias of")} '{other}'; it has no images of its own."), null, plan);
        }

        if (Names.RefuseStoredChannel(channel) is { } stale)
        {
            return (OperationResult.Conflict(stale), null, plan);
        }

        var devices = await db.Devices.Include(d => d.Images).ThenInclude(i => i.Files)
            .Where(d => d.ChannelId == owner.Id).OrderBy(d => d.Name).ToListAsync(cancellationToken);
        foreach (var device in devices)
        {
            var fulls = device.Images.Where(i => i.Type == ImageType.Full).OrderByDescending(i => i.Version).ToList();
            var bad = fulls.FirstOrDefault();
            var good = bad is null ? null : fulls.Skip(1).FirstOrDefault(i => i.RevertedAt is null && !ImageCopyService.SameParts(i, bad));
            var skip = device.RedirectTarget is not null ? $"skipped: redirected to {device.RedirectTarget}"
                : Names.ValidateDevice(device.Name) is { } invalid ? $"skipped: {invalid}"
                : bad is null ? "skipped: no image"
                : good is null ? "skipped: no earlier good build"
                : bad.Version >= ImageService.MaxVersion ? $"skipped: version {ImageService.MaxVersion + 1} would be out of range"
                : null;
            plan.Add(skip is not null
                ? (new DeviceRevert(device.Name, bad?.Version, null, null, skip), null, null)
                : (new DeviceRevert(device.Name, bad!.Version, good!.Version, bad.Version + 1, $"good version {good.Version} again as version {bad.Version + 1} over bad version {bad.Version}"), good, device));
        }

        return (null, owner, plan);
    }

    private static string Number(int? version) => version?.ToString(CultureInfo.InvariantCulture) ?? "none";

    private static string Summary(string channel, List<(DeviceRevert Result, Image? Good, Device? Device)> plan, bool preview)
    {
        var reverted = plan.Count(p => p.Good is not null);
        return $"{(preview ? "Would revert" : "Reverted")} {reverted} of {plan.Count} device(s) of {channel}"
            + (plan.Count == 0 ? "." : $" ({string.Join("; ", plan.Select(p => $"{p.Result.Device}: {p.Result.Outcome}"))}).");
    }
}
