using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Images;

/// <summary>
/// Phases a whole channel: the latest version of every device (or of the devices named) gets one phased percentage,
/// in one change and one audit entry (<c>phase-channel</c>) naming each device whose percentage changed. Devices
/// already at that percentage are left alone; when none changes, nothing is recorded.
/// </summary>
public sealed class ChannelPhasing(IDbContextFactory<SystemImageDbContext> dbFactory, TreeMutator mutator, AliasSync aliasSync, AuditLog audit)
{
    /// <summary>What <see cref="SetAsync"/> would do, device by device, without changing anything.</summary>
    public async Task<(OperationResult Result, IReadOnlyList<DevicePhase> Devices)> PreviewAsync(
        string channel, int percentage, IReadOnlyCollection<string>? devices, CancellationToken cancellationToken)
    {
        if (Validate(percentage) is { } invalid)
        {
            return (invalid, []);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var plan = await PlanAsync(db, channel, percentage, devices, cancellationToken);
        return (plan.Refusal ?? OperationResult.Ok(Summary(channel, percentage, plan.Devices, preview: true)), plan.Results);
    }

    public async Task<(OperationResult Result, IReadOnlyList<DevicePhase> Devices)> SetAsync(
        string channel, int percentage, IReadOnlyCollection<string>? devices, Actor actor, CancellationToken cancellationToken)
    {
        if (Validate(percentage) is { } invalid)
        {
            return (invalid, []);
        }

        IReadOnlyList<DevicePhase> results = [];
        var outcome = await mutator.MutateAsync(async db =>
        {
            var plan = await PlanAsync(db, channel, percentage, devices, cancellationToken);
            results = plan.Results;
            if (plan.Refusal is not null)
            {
                return plan.Refusal;
            }

            if (plan.Changes.Count == 0)
            {
                return Mutation.Unchanged(Summary(channel, percentage, plan.Devices, preview: false));
            }

            var publish = await ApplyAsync(db, plan, cancellationToken);
            audit.Record(db, actor, "phase-channel", channel, channel, Change(plan));
            await db.SaveChangesAsync(cancellationToken);
            return new Mutation(OperationResult.Ok(Summary(channel, percentage, plan.Devices, preview: false)), publish);
        }, cancellationToken);
        return (outcome, results);
    }

    /// <summary>
    /// Plans phasing <paramref name="percentage"/> onto the latest version of each device of <paramref name="channel"/>
    /// (all of them when <paramref name="devices"/> is null or empty); refuses aliases, redirects and unknown names.
    /// </summary>
    internal static async Task<PhasePlan> PlanAsync(
        SystemImageDbContext db, string channel, int percentage, IReadOnlyCollection<string>? devices, CancellationToken cancellationToken)
    {
        var owner = await db.Channels.FirstOrDefaultAsync(c => c.Name == channel, cancellationToken);
        if (owner is null)
        {
            return PhasePlan.Refused(OperationResult.NotFound($"Channel '{channel}' does not exist."));
        }

        if ((owner.AliasTarget ?? owner.RedirectTarget) is { } other)
        {
            return PhasePlan.Refused(OperationResult.Conflict(
                $"Channel '{channel}' is {(owner.AliasTarget is null ? "a redirect to" : "an alias of")} '{other}'; it has no images of its own."));
        }

        if (Names.RefuseStoredChannel(channel) is { } stale)
        {
            return PhasePlan.Refused(OperationResult.Conflict(stale));
        }

        var all = await db.Devices.Include(d => d.Images)
            .Where(d => d.ChannelId == owner.Id).OrderBy(d => d.Name).ToListAsync(cancellationToken);
        var chosen = devices is { Count: > 0 } ? devices.Distinct(StringComparer.Ordinal).ToList() : null;
        if (chosen?.FirstOrDefault(name => all.All(d => d.Name != name)) is { } unknown)
        {
            return PhasePlan.Refused(OperationResult.NotFound($"Channel '{channel}' has no device '{unknown}'."));
        }

        var plan = new PhasePlan(owner);
        foreach (var device in all.Where(d => chosen is null || chosen.Contains(d.Name)))
        {
            plan.Devices.Add(PlanDevice(device, percentage));
        }

        return plan;
    }

    /// <summary>Sets the planned percentages, saves, re-syncs the channel's aliases and names the indexes to republish.</summary>
    internal async Task<PublishRequest> ApplyAsync(SystemImageDbContext db, PhasePlan plan, CancellationToken cancellationToken)
    {
        if (plan.Changes.Count == 0)
        {
            return PublishRequest.ChannelsOnly;
        }

        foreach (var (result, entries) in plan.Changes)
        {
            foreach (var entry in entries)
            {
                entry.PhasedPercentage = result.NewPercentage == 100 ? null : result.NewPercentage;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return PublishRequest.ForDevices(plan.Changes.Select(c => new DeviceRef(plan.Channel!.Name, c.Result.Device)))
            .Merge(await aliasSync.SyncAliasesOfAsync(db, plan.Channel!, cancellationToken));
    }

    /// <summary>The audit summary of a plan's changes: each changed device's version and percentage before and after.</summary>
    internal static AuditChange Change(PhasePlan plan) => new(
        Names.List(plan.Changes.Select(c => $"{c.Result.Device} {Number(c.Result.Version)} at {c.Result.CurrentPercentage}%")),
        Names.List(plan.Changes.Select(c => $"{c.Result.Device} {Number(c.Result.Version)} at {c.Result.NewPercentage}%")));

    private static (DevicePhase Result, List<Image> Entries) PlanDevice(Device device, int percentage)
    {
        if (device.RedirectTarget is not null)
        {
            return (new DevicePhase(device.Name, null, null, null, $"skipped: redirected to {device.RedirectTarget}"), []);
        }

        if (Names.ValidateDevice(device.Name) is { } invalid)
        {
            return (new DevicePhase(device.Name, null, null, null, $"skipped: {invalid}"), []);
        }

        if (device.Images.Count == 0)
        {
            return (new DevicePhase(device.Name, null, null, null, "skipped: no image"), []);
        }

        var latest = device.Images.Max(i => i.Version);
        var entries = device.Images.Where(i => i.Version == latest).ToList();
        var current = entries.Max(e => e.PhasedPercentage ?? 100);
        return current == percentage
            ? (new DevicePhase(device.Name, latest, current, percentage, $"unchanged: version {latest} is already at {current}%"), [])
            : (new DevicePhase(device.Name, latest, current, percentage, $"version {latest}: {current}% → {percentage}%"), entries);
    }

    private static OperationResult? Validate(int percentage) =>
        percentage is < 0 or > 100 ? OperationResult.Invalid($"Phased percentage {percentage} is outside 0–100.") : null;

    private static string Number(int? version) => version?.ToString(CultureInfo.InvariantCulture) ?? "none";

    private static string Summary(string channel, int percentage, List<(DevicePhase Result, List<Image> Entries)> plan, bool preview)
    {
        var changed = plan.Count(p => p.Entries.Count > 0);
        return $"{(preview ? "Would phase" : "Phased")} {changed} of {plan.Count} device(s) of {channel} at {percentage}%"
            + (plan.Count == 0 ? "." : $" ({string.Join("; ", plan.Select(p => $"{p.Result.Device}: {p.Result.Outcome}"))}).");
    }
}
