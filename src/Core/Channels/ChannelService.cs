using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SystemImage.Core.Audit;
using SystemImage.Core.Configuration;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Channels;

/// <summary>Channel operations of SPEC §4: create, alias, redirect, hide/show, rename, remove.</summary>
public sealed class ChannelService(
    TreeMutator mutator,
    AuditLog audit,
    AliasSync aliasSync,
    VersionTarballWriter versionTarballs,
    IOptions<SystemImageOptions> options,
    TimeProvider time)
{
    public Task<OperationResult> CreateAsync(string name, bool hidden, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            if (await CheckNewNameAsync(db, name, cancellationToken) is { } refusal)
            {
                return refusal;
            }

            db.Channels.Add(new Channel { Name = name, Hidden = hidden, CreatedAt = time.GetUtcNow() });
            audit.Record(db, actor, "create-channel", name, name, AuditChange.Created($"{(hidden ? "hidden" : "visible")} channel {name}"));
            return new Mutation(OperationResult.Ok($"Created channel '{name}'."), PublishRequest.ChannelsOnly);
        }, cancellationToken);

    /// <summary>Creates alias <paramref name="name"/> of <paramref name="target"/>, <paramref name="hidden"/> from user-facing lists or not, in one change.</summary>
    public Task<OperationResult> CreateAliasAsync(string name, string target, Actor actor, CancellationToken cancellationToken, bool hidden = false) =>
        mutator.MutateAsync(async db =>
        {
            if (await CheckNewNameAsync(db, name, cancellationToken) is { } refusal)
            {
                return refusal;
            }

            var (targetChannel, targetRefusal) = await FindAliasTargetAsync(db, target, cancellationToken);
            if (targetChannel is null)
            {
                return targetRefusal!;
            }

            var alias = new Channel { Name = name, AliasTarget = target, Hidden = hidden, CreatedAt = time.GetUtcNow() };
            db.Channels.Add(alias);
            var devices = new List<DeviceRef>();
            await aliasSync.SyncAsync(db, alias, targetChannel, devices, [], cancellationToken);
            audit.Record(db, actor, "create-alias", name, name,
                AuditChange.Created($"{(hidden ? "hidden " : "")}alias of {target} with devices {Names.List(devices.Select(d => d.Device).Order(StringComparer.Ordinal))}"));
            return new Mutation(
                OperationResult.Ok($"Created alias '{name}' of '{target}'.{(hidden ? " It is hidden." : "")}"),
                PublishRequest.ForDevices(devices));
        }, cancellationToken);

    public Task<OperationResult> RetargetAliasAsync(string name, string target, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            var alias = await LoadAsync(db, name, cancellationToken);
            if (alias is null)
            {
                return OperationResult.NotFound($"Channel '{name}' does not exist.");
            }

            if (alias.AliasTarget is null)
            {
                return OperationResult.Conflict($"Channel '{name}' is not an alias.");
            }

            if (target == name)
            {
                return OperationResult.Invalid($"Alias '{name}' cannot point at itself.");
            }

            if (alias.AliasTarget == target)
            {
                return Mutation.Unchanged($"Nothing changed: alias '{name}' already points at '{target}'.");
            }

            var (targetChannel, targetRefusal) = await FindAliasTargetAsync(db, target, cancellationToken);
            if (targetChannel is null)
            {
                return targetRefusal!;
            }

            var before = alias.AliasTarget;
            alias.AliasTarget = target;
            var devices = new List<DeviceRef>();
            var removed = new List<string>();
            await aliasSync.SyncAsync(db, alias, targetChannel, devices, removed, cancellationToken);
            audit.Record(db, actor, "retarget-alias", name, name, new AuditChange($"alias of {before}", $"alias of {target}"));
            return new Mutation(OperationResult.Ok($"Alias '{name}' now points at '{target}'."), PublishRequest.ForDevices(devices, removed));
        }, cancellationToken);

    public Task<OperationResult> CreateRedirectAsync(string name, string target, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            if (await CheckNewNameAsync(db, name, cancellationToken) is { } refusal)
            {
                return refusal;
            }

            var targetChannel = await LoadAsync(db, target, cancellationToken);
            if (targetChannel is null)
            {
                return OperationResult.NotFound($"Redirect target '{target}' does not exist.");
            }

            if (targetChannel.RedirectTarget is not null)
            {
                return OperationResult.Conflict($"Channel '{target}' is itself a redirect; point the redirect at '{targetChannel.RedirectTarget}' instead.");
            }

            db.Channels.Add(new Channel { Name = name, RedirectTarget = target, Hidden = true, CreatedAt = time.GetUtcNow() });
            audit.Record(db, actor, "create-redirect", name, name, AuditChange.Created($"redirect to {target}"));
            return new Mutation(OperationResult.Ok($"Created redirect '{name}' -> '{target}'."), PublishRequest.ChannelsOnly);
        }, cancellationToken);

    public Task<OperationResult> SetHiddenAsync(string name, bool hidden, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            var channel = await LoadAsync(db, name, cancellationToken);
            if (channel is null)
            {
                return OperationResult.NotFound($"Channel '{name}' does not exist.");
            }

            if (channel.RedirectTarget is not null)
            {
                return OperationResult.Conflict($"Channel '{name}' is a redirect; redirects are always hidden.");
            }

            var verb = hidden ? "hidden" : "shown";
            if (channel.Hidden == hidden)
            {
                return Mutation.Unchanged($"Channel '{name}' is already {verb}.");
            }

            channel.Hidden = hidden;
            audit.Record(db, actor, hidden ? "hide-channel" : "show-channel", name, name, new AuditChange(hidden ? "visible" : "hidden", verb));
            return new Mutation(OperationResult.Ok($"Channel '{name}' is now {verb}."), PublishRequest.ChannelsOnly);
        }, cancellationToken);

    /// <summary>
    /// Renames <paramref name="oldName"/> to <paramref name="newName"/>: moves its directory, rewrites its version tarballs and
    /// every reference to it. With <paramref name="keepRedirect"/> the old name stays in channels.json as a hidden redirect to the
    /// new one, so devices in the field (whose channel.ini still names the old channel) keep updating.
    /// </summary>
    public Task<OperationResult> RenameAsync(string oldName, string newName, Actor actor, CancellationToken cancellationToken, bool keepRedirect = true) =>
        mutator.MutateAsync(async db =>
        {
            var channel = await LoadAsync(db, oldName, cancellationToken);
            if (channel is null)
            {
                return OperationResult.NotFound($"Channel '{oldName}' does not exist.");
            }

            // Renaming back onto the redirect an earlier rename left replaces that redirect.
            if (await db.Channels.FirstOrDefaultAsync(c => c.Name == newName && c.RedirectTarget == oldName, cancellationToken) is { } leftBehind)
            {
                db.Channels.Remove(leftBehind);
                await db.SaveChangesAsync(cancellationToken);
            }

            if (await CheckNewNameAsync(db, newName, cancellationToken) is { } refusal)
            {
                return refusal;
            }

            if (newName.StartsWith(oldName + "/", StringComparison.Ordinal))
            {
                return OperationResult.Invalid($"Channel '{oldName}' cannot be moved inside itself ('{newName}').");
            }

            if (await IsForeignDirectoryAsync(db, newName, cancellationToken))
            {
                return OperationResult.Conflict($"Directory '{newName}' already exists in the publish root; remove it or choose another name.");
            }

            await RenameReferencesAsync(db, oldName, newName, cancellationToken);
            await RegenerateVersionTarballsAsync(db, channel, newName, cancellationToken);
            channel.Name = newName;
            var redirect = keepRedirect && channel.RedirectTarget is null;
            var after = redirect ? $"named {newName}, {oldName} redirecting to it" : $"named {newName}";
            audit.Record(db, actor, "rename-channel", oldName, newName, new AuditChange($"named {oldName}", after));
            await db.SaveChangesAsync(cancellationToken);
            if (redirect)
            {
                db.Channels.Add(new Channel { Name = oldName, RedirectTarget = newName, Hidden = true, CreatedAt = time.GetUtcNow() });
            }

            var devices = channel.Devices.Select(d => new DeviceRef(newName, d.Name));
            var removed = channel.RedirectTarget is null ? new[] { "/" + oldName } : [];
            var publish = PublishRequest.ForDevices(devices, removed).Merge(await aliasSync.SyncAliasesOfAsync(db, channel, cancellationToken));
            var message = redirect
                ? $"Renamed channel '{oldName}' to '{newName}'; '{oldName}' redirects devices to it."
                : $"Renamed channel '{oldName}' to '{newName}'.";
            return new Mutation(OperationResult.Ok(message), publish);
        }, cancellationToken);

    public Task<OperationResult> RemoveAsync(string name, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            var channel = await LoadAsync(db, name, cancellationToken);
            if (channel is null)
            {
                return OperationResult.NotFound($"Channel '{name}' does not exist.");
            }

            var dependents = await db.Channels.Where(c => c.AliasTarget == name || c.RedirectTarget == name).Select(c => c.Name).ToListAsync(cancellationToken);
            if (dependents.Count > 0)
            {
                return OperationResult.Conflict($"Channel '{name}' is the target of {string.Join(", ", dependents.Select(d => $"'{d}'"))}; remove or re-target those first.");
            }

            var redirected = await db.Devices.Include(d => d.Channel).Where(d => d.RedirectTarget == name).ToListAsync(cancellationToken);
            db.Devices.RemoveRange(redirected);
            db.Channels.Remove(channel);
            var kind = channel.AliasTarget is { } of ? $"alias of {of}" : channel.RedirectTarget is { } to ? $"redirect to {to}" : "channel";
            var redirects = redirected.Count > 0 ? $"; per-device redirects to it from {Names.List(redirected.Select(d => $"{d.Channel.Name}/{d.Name}"))}" : "";
            audit.Record(db, actor, "remove-channel", name, name,
                AuditChange.Removed($"{name}: {kind}, devices {Names.List(channel.Devices.Select(d => d.Name))}{redirects}"));
            var removed = channel.RedirectTarget is null ? new[] { "/" + name } : [];
            var publish = PublishRequest.ForDevices([], removed);
            foreach (var owner in redirected.Select(d => d.Channel).Distinct())
            {
                publish = publish.Merge(await aliasSync.SyncAliasesOfAsync(db, owner, cancellationToken));
            }

            return new Mutation(OperationResult.Ok($"Removed channel '{name}'."), publish);
        }, cancellationToken);

    internal static Task<Channel?> LoadAsync(SystemImageDbContext db, string name, CancellationToken cancellationToken) =>
        db.Channels.Include(c => c.Devices).FirstOrDefaultAsync(c => c.Name == name, cancellationToken);

    internal static async Task<OperationResult?> CheckNewNameAsync(SystemImageDbContext db, string name, CancellationToken cancellationToken)
    {
        if (Names.ValidateChannel(name) is { } invalid)
        {
            return OperationResult.Invalid(invalid);
        }

        if (await db.Channels.AnyAsync(c => c.Name == name, cancellationToken))
        {
            return OperationResult.Conflict($"Channel '{name}' already exists.");
        }

        if (await TreeOverlap.ForChannelAsync(db, name, cancellationToken) is { } overlap)
        {
            return OperationResult.Conflict(overlap);
        }

        var directory = "/" + name;
        return db.Staged is { } staged && TreeObstacle.InDirectory(staged.PublishRoot, directory) is { } obstacle
            ? OperationResult.Conflict($"Channel '{name}' cannot have its directory: {TreeObstacle.ExplainDirectory(directory, obstacle)}.")
            : null;
    }

    private static async Task<(Channel? Target, OperationResult? Refusal)> FindAliasTargetAsync(SystemImageDbContext db, string target, CancellationToken cancellationToken)
    {
        var channel = await LoadAsync(db, target, cancellationToken);
        if (channel is null)
        {
            return (null, OperationResult.NotFound($"Alias target '{target}' does not exist."));
        }

        if (channel.RedirectTarget is not null)
        {
            return (null, OperationResult.Conflict($"Channel '{target}' is a redirect; an alias cannot point at a redirect."));
        }

        return channel.AliasTarget is not null
            ? (null, OperationResult.Conflict($"Channel '{target}' is itself an alias of '{channel.AliasTarget}'; point the alias at '{channel.AliasTarget}' instead."))
            : (channel, null);
    }

    /// <summary>True when the publish root already has a directory at <paramref name="name"/> that no other channel accounts for.</summary>
    private async Task<bool> IsForeignDirectoryAsync(SystemImageDbContext db, string name, CancellationToken cancellationToken) =>
        Directory.Exists(Path.Combine(options.Value.PublishRootFullPath, name))
        && !await db.Channels.AnyAsync(c => c.Name.StartsWith(name + "/"), cancellationToken);

    private static async Task RenameReferencesAsync(SystemImageDbContext db, string oldName, string newName, CancellationToken cancellationToken)
    {
        foreach (var other in await db.Channels.Where(c => c.AliasTarget == oldName || c.RedirectTarget == oldName).ToListAsync(cancellationToken))
        {
            other.AliasTarget = other.AliasTarget == oldName ? newName : other.AliasTarget;
            other.RedirectTarget = other.RedirectTarget == oldName ? newName : other.RedirectTarget;
        }

        foreach (var device in await db.Devices.Where(d => d.RedirectTarget == oldName).ToListAsync(cancellationToken))
        {
            device.RedirectTarget = newName;
        }
    }

    /// <summary>Writes every version tarball again under the new name, so channel.ini names the channel devices now use.</summary>
    private async Task RegenerateVersionTarballsAsync(SystemImageDbContext db, Channel channel, string newName, CancellationToken cancellationToken)
    {
        foreach (var device in channel.Devices.Where(d => d.RedirectTarget is null))
        {
            await db.Entry(device).Collection(d => d.Images).Query().Include(i => i.Files).LoadAsync(cancellationToken);
            foreach (var image in device.Images)
            {
                foreach (var file in image.Files.Where(f => f.PartName == ImageComposer.VersionPart))
                {
                    var fresh = versionTarballs.Ensure(db, newName, device.Name, image.Version, image.VersionDetail, channel.AliasTarget, file.Order);
                    (file.Path, file.Signature, file.Checksum, file.Size) = (fresh.Path, fresh.Signature, fresh.Checksum, fresh.Size);
                }
            }
        }
    }
}
