using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Rollouts;

/// <summary>
/// Scheduled ramps of a channel's latest builds. Starting one records its steps and the version of every covered
/// device; <see cref="AdvanceAsync"/> (a job every minute, and once at start-up) runs each step that has come due
/// inside the window as one channel phasing of its devices. Pausing stops the steps, halting sets 0% on every covered
/// device in one change, and a newer version of a covered device ends the rollout as superseded.
/// </summary>
public sealed class RolloutService(
    IDbContextFactory<SystemImageDbContext> dbFactory, TreeMutator mutator, ChannelPhasing phasing, AuditLog audit, TimeProvider time)
{
    public async Task<(OperationResult Result, RolloutView? Rollout)> StartAsync(
        string channel, string steps, string? window, IReadOnlyCollection<string>? devices, Actor actor, CancellationToken cancellationToken)
    {
        var (specs, stepError) = RolloutStepSpec.Parse(steps);
        if (stepError is not null)
        {
            return (OperationResult.Invalid(stepError), null);
        }

        if (!string.IsNullOrWhiteSpace(window) && RolloutWindow.Parse(window).Error is { } windowError)
        {
            return (OperationResult.Invalid(windowError), null);
        }

        var started = await mutator.MutateAsync(async db =>
        {
            var plan = await ChannelPhasing.PlanAsync(db, channel, specs[0].Percentage, devices, cancellationToken);
            if (plan.Refusal is not null)
            {
                return plan.Refusal;
            }

            var covered = plan.Results.Where(d => d.Version is not null).ToList();
            if (covered.Count == 0)
            {
                return OperationResult.Conflict($"No device of {channel} has an image to roll out.");
            }

            if (await CurrentOrNullAsync(db, plan.Channel!.Id, cancellationToken) is { } running)
            {
                if (await StaleDeviceOrNullAsync(db, running, cancellationToken) is not { } stale)
                {
                    return OperationResult.Conflict($"{channel} already has a rollout {Name(running.State)} (started {running.CreatedAt:u} by {running.CreatedBy}); halt it first.");
                }

                Supersede(db, running, channel, stale);
            }

            var now = time.GetUtcNow();
            var rollout = new Rollout
            {
                ChannelId = plan.Channel.Id,
                CreatedAt = now,
                CreatedBy = actor.Name,
                State = RolloutState.Active,
                Window = string.IsNullOrWhiteSpace(window) ? null : window.Trim(),
                Steps = [.. specs.Select((s, i) => new RolloutStep { Order = i, Percentage = s.Percentage, DueAt = now + s.After })],
                Devices = [.. covered.Select(d => new RolloutDevice { Device = d.Device, Version = d.Version!.Value })],
            };
            db.Rollouts.Add(rollout);
            var what = $"steps {RolloutStepSpec.Format(specs)}{(rollout.Window is null ? "" : $" in {rollout.Window}")} on {Covered(rollout)}";
            audit.Record(db, actor, "start-rollout", channel, channel, AuditChange.Created(what));
            await db.SaveChangesAsync(cancellationToken);
            return new Mutation(OperationResult.Ok($"Started a rollout of {channel}: {what}."), PublishRequest.ChannelsOnly);
        }, cancellationToken);
        if (!started.Succeeded)
        {
            return (started, null);
        }

        await AdvanceAsync(cancellationToken);
        var (_, view) = await GetAsync(channel, cancellationToken);
        return (started, view);
    }

    /// <summary>Runs every step that has come due (inside its window) of every active rollout, and ends superseded ones; returns how many rollouts changed.</summary>
    public async Task<int> AdvanceAsync(CancellationToken cancellationToken)
    {
        List<int> active;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            active = await db.Rollouts.Where(r => r.State == RolloutState.Active).Select(r => r.Id).ToListAsync(cancellationToken);
        }

        var changed = 0;
        foreach (var id in active)
        {
            if ((await mutator.MutateAsync(db => AdvanceOneAsync(db, id, cancellationToken), cancellationToken)).Succeeded)
            {
                changed++;
            }
        }

        return changed;
    }

    public Task<(OperationResult Result, RolloutView? Rollout)> PauseAsync(string channel, Actor actor, CancellationToken cancellationToken) =>
        ChangeStateAsync(channel, actor, RolloutState.Active, RolloutState.Paused, "pause-rollout", cancellationToken);

    public async Task<(OperationResult Result, RolloutView? Rollout)> ResumeAsync(string channel, Actor actor, CancellationToken cancellationToken)
    {
        var (result, _) = await ChangeStateAsync(channel, actor, RolloutState.Paused, RolloutState.Active, "resume-rollout", cancellationToken);
        if (!result.Succeeded)
        {
            return (result, null);
        }

        await AdvanceAsync(cancellationToken);
        return (result, (await GetAsync(channel, cancellationToken)).Rollout);
    }

    /// <summary>Stops the rollout and sets 0% on every device it covers (that still has its version as the latest), in one change.</summary>
    public async Task<(OperationResult Result, RolloutView? Rollout)> HaltAsync(string channel, string? reason, Actor actor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return (OperationResult.Invalid("Give the reason for halting the rollout."), null);
        }

        if (reason.Length > 500 || reason.Any(char.IsControl))
        {
            return (OperationResult.Invalid("The reason is at most 500 characters, without control characters."), null);
        }

        var result = await mutator.MutateAsync(async db =>
        {
            var (rollout, refusal) = await LoadCurrentAsync(db, channel, cancellationToken);
            if (rollout is null)
            {
                return refusal!;
            }

            var current = await CurrentDevicesAsync(db, rollout, cancellationToken);
            var plan = current.Count == 0 ? null : await ChannelPhasing.PlanAsync(db, channel, 0, current, cancellationToken);
            var publish = plan is null ? PublishRequest.ChannelsOnly : await phasing.ApplyAsync(db, plan, cancellationToken);
            rollout.State = RolloutState.Halted;
            (rollout.EndedAt, rollout.EndReason) = (time.GetUtcNow(), reason.Trim());
            var change = plan is null || plan.Changes.Count == 0 ? new AuditChange("rollout " + Name(RolloutState.Active), "halted") : ChannelPhasing.Change(plan);
            audit.Record(db, actor, "halt-rollout", channel, channel, change with { After = $"{change.After} (halted: {rollout.EndReason})" });
            await db.SaveChangesAsync(cancellationToken);
            return new Mutation(
                OperationResult.Ok($"Halted the rollout of {channel}: {(current.Count == 0 ? "no device still has its build" : $"{Names.List(current)} at 0%")} ({rollout.EndReason})."),
                publish);
        }, cancellationToken);
        return (result, result.Succeeded ? (await GetAsync(channel, cancellationToken)).Rollout : null);
    }

    /// <summary>The channel's latest rollout, whatever its state.</summary>
    public async Task<(OperationResult Result, RolloutView? Rollout)> GetAsync(string channel, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = await db.Channels.FirstOrDefaultAsync(c => c.Name == channel, cancellationToken);
        if (owner is null)
        {
            return (OperationResult.NotFound($"Channel '{channel}' does not exist."), null);
        }

        var rollout = await db.Rollouts.Include(r => r.Steps).Include(r => r.Devices)
            .Where(r => r.ChannelId == owner.Id).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        if (rollout is null)
        {
            return (OperationResult.NotFound($"Channel '{channel}' has no rollout."), null);
        }

        // A newer version ends the rollout at its next step; until then it already reads as superseded.
        var state = rollout.State is RolloutState.Active or RolloutState.Paused && await StaleDeviceOrNullAsync(db, rollout, cancellationToken) is not null
            ? RolloutState.Superseded
            : rollout.State;
        return (OperationResult.Ok($"The rollout of {channel} is {Name(state)}."), View(channel, rollout, state));
    }

    private async Task<Mutation> AdvanceOneAsync(SystemImageDbContext db, int id, CancellationToken cancellationToken)
    {
        var rollout = await db.Rollouts.Include(r => r.Steps).Include(r => r.Devices).Include(r => r.Channel)
            .FirstOrDefaultAsync(r => r.Id == id && r.State == RolloutState.Active, cancellationToken);
        if (rollout is null)
        {
            return OperationResult.Conflict("The rollout is no longer active.");
        }

        var channel = rollout.Channel.Name;
        if (await StaleDeviceOrNullAsync(db, rollout, cancellationToken) is { } stale)
        {
            Supersede(db, rollout, channel, stale);
            await db.SaveChangesAsync(cancellationToken);
            return new Mutation(OperationResult.Ok($"The rollout of {channel} was superseded."), PublishRequest.ChannelsOnly);
        }

        var now = time.GetUtcNow();
        var due = rollout.Steps.Where(s => s.DoneAt is null && s.DueAt <= now).OrderBy(s => s.Order).ToList();
        if (due.Count == 0 || (rollout.Window is { } window && !RolloutWindow.Parse(window).Window!.IsOpen(now)))
        {
            return OperationResult.Conflict("No step is due.");
        }

        // Steps that came due while the server was down (or outside the window) are passed over by the last of them.
        var step = due[^1];
        due.ForEach(s => s.DoneAt = now);
        var current = await CurrentDevicesAsync(db, rollout, cancellationToken);
        var plan = current.Count == 0 ? null : await ChannelPhasing.PlanAsync(db, channel, step.Percentage, current, cancellationToken);
        if (plan?.Refusal is not null)
        {
            return plan.Refusal;
        }

        var publish = plan is null ? PublishRequest.ChannelsOnly : await phasing.ApplyAsync(db, plan, cancellationToken);
        var last = rollout.Steps.All(s => s.DoneAt is not null);
        if (last)
        {
            (rollout.State, rollout.EndedAt) = (RolloutState.Completed, now);
        }

        var change = plan is null || plan.Changes.Count == 0 ? new AuditChange(null, $"{Covered(rollout)} already at {step.Percentage}%") : ChannelPhasing.Change(plan);
        audit.Record(db, Actor.System, "rollout-step", channel, channel,
            change with { After = $"{change.After} (step {step.Order + 1} of {rollout.Steps.Count}{(last ? ", completed" : "")})" });
        await db.SaveChangesAsync(cancellationToken);
        return new Mutation(OperationResult.Ok($"Step {step.Order + 1} of the rollout of {channel}: {step.Percentage}%."), publish);
    }

    private async Task<(OperationResult Result, RolloutView? Rollout)> ChangeStateAsync(
        string channel, Actor actor, RolloutState from, RolloutState to, string action, CancellationToken cancellationToken)
    {
        var result = await mutator.MutateAsync(async db =>
        {
            var (rollout, refusal) = await LoadCurrentAsync(db, channel, cancellationToken);
            if (rollout is null)
            {
                return refusal!;
            }

            if (rollout.State != from)
            {
                return OperationResult.Conflict($"The rollout of {channel} is {Name(rollout.State)}, not {Name(from)}.");
            }

            rollout.State = to;
            audit.Record(db, actor, action, channel, channel, new AuditChange($"rollout {Name(from)}", $"rollout {Name(to)}"));
            await db.SaveChangesAsync(cancellationToken);
            return new Mutation(OperationResult.Ok($"The rollout of {channel} is {Name(to)}."), PublishRequest.ChannelsOnly);
        }, cancellationToken);
        return (result, result.Succeeded ? (await GetAsync(channel, cancellationToken)).Rollout : null);
    }

    /// <summary>The channel's active or paused rollout; a superseded one is ended on the way and refused.</summary>
    private async Task<(Rollout? Rollout, OperationResult? Refusal)> LoadCurrentAsync(SystemImageDbContext db, string channel, CancellationToken cancellationToken)
    {
        var owner = await db.Channels.FirstOrDefaultAsync(c => c.Name == channel, cancellationToken);
        if (owner is null)
        {
            return (null, OperationResult.NotFound($"Channel '{channel}' does not exist."));
        }

        var rollout = await CurrentOrNullAsync(db, owner.Id, cancellationToken);
        if (rollout is null)
        {
            return (null, OperationResult.NotFound($"Channel '{channel}' has no rollout in progress."));
        }

        if (await StaleDeviceOrNullAsync(db, rollout, cancellationToken) is { } stale)
        {
            return (null, OperationResult.Conflict($"The rollout of {channel} was superseded: {stale}."));
        }

        return (rollout, null);
    }

    private static Task<Rollout?> CurrentOrNullAsync(SystemImageDbContext db, int channelId, CancellationToken cancellationToken) =>
        db.Rollouts.Include(r => r.Steps).Include(r => r.Devices)
            .Where(r => r.ChannelId == channelId && (r.State == RolloutState.Active || r.State == RolloutState.Paused))
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The covered devices whose latest version is still the one the rollout ramps.</summary>
    private static async Task<List<string>> CurrentDevicesAsync(SystemImageDbContext db, Rollout rollout, CancellationToken cancellationToken)
    {
        var latest = await LatestVersionsAsync(db, rollout, cancellationToken);
        return [.. rollout.Devices.Where(d => latest.GetValueOrDefault(d.Device) == d.Version).Select(d => d.Device)];
    }

    /// <summary>What supersedes the rollout (<c>mako has version 3</c>), or null while every covered device's latest version is the one it ramps.</summary>
    private static async Task<string?> StaleDeviceOrNullAsync(SystemImageDbContext db, Rollout rollout, CancellationToken cancellationToken)
    {
        var latest = await LatestVersionsAsync(db, rollout, cancellationToken);
        return rollout.Devices.FirstOrDefault(d => latest.GetValueOrDefault(d.Device) > d.Version) is { } newer
            ? $"{newer.Device} has version {latest[newer.Device].ToString(CultureInfo.InvariantCulture)}"
            : null;
    }

    private static async Task<Dictionary<string, int>> LatestVersionsAsync(SystemImageDbContext db, Rollout rollout, CancellationToken cancellationToken)
    {
        var names = rollout.Devices.Select(d => d.Device).ToList();
        var versions = await db.Images.Where(i => i.Device.ChannelId == rollout.ChannelId && names.Contains(i.Device.Name))
            .GroupBy(i => i.Device.Name).Select(g => new { Device = g.Key, Version = g.Max(i => i.Version) }).ToListAsync(cancellationToken);
        return versions.ToDictionary(v => v.Device, v => v.Version, StringComparer.Ordinal);
    }

    private void Supersede(SystemImageDbContext db, Rollout rollout, string channel, string stale)
    {
        (rollout.State, rollout.EndedAt, rollout.EndReason) = (RolloutState.Superseded, time.GetUtcNow(), $"superseded: {stale}");
        audit.Record(db, Actor.System, "supersede-rollout", channel, channel, new AuditChange($"rollout {Name(RolloutState.Active)}", $"superseded: {stale}"));
    }

    private RolloutView View(string channel, Rollout rollout, RolloutState state)
    {
        var now = time.GetUtcNow();
        var window = rollout.Window is null ? null : RolloutWindow.Parse(rollout.Window).Window;
        var next = rollout.Steps.Where(s => s.DoneAt is null).OrderBy(s => s.Order).FirstOrDefault();
        var steps = rollout.Steps.OrderBy(s => s.Order).Select(s => new RolloutStepView(s.Percentage, s.DueAt, s.DoneAt, s.DoneAt is not null ? "done" : state switch
        {
            RolloutState.Active => s == next ? "next" : "waiting",
            RolloutState.Paused => s == next ? "paused" : "waiting",
            _ => Name(state),
        })).ToList();
        DateTimeOffset? nextAt = state == RolloutState.Active && next is not null
            ? window is null ? Later(next.DueAt, now) : window.NextOpening(Later(next.DueAt, now))
            : null;
        return new RolloutView(
            rollout.Id, channel, Name(state), rollout.CreatedAt, rollout.CreatedBy, rollout.EndedAt, rollout.EndReason, rollout.Window, nextAt, steps,
            [.. rollout.Devices.OrderBy(d => d.Device, StringComparer.Ordinal).Select(d => new RolloutDeviceView(d.Device, d.Version))]);
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string Covered(Rollout rollout) =>
        Names.List(rollout.Devices.OrderBy(d => d.Device, StringComparer.Ordinal).Select(d => $"{d.Device} {d.Version.ToString(CultureInfo.InvariantCulture)}"));

    private static string Name(RolloutState state) => state.ToString().ToLowerInvariant();
}
