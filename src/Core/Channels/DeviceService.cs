using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Channels;

/// <summary>Device operations of SPEC §4: create, copy from another channel, per-device redirect, remove.</summary>
public sealed class DeviceService(TreeMutator mutator, AuditLog audit, AliasSync aliasSync, TimeProvider time)
{
    public Task<OperationResult> CreateAsync(string channel, string device, bool withKeyring, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            var (owner, refusal) = await LoadWritableChannelAsync(db, channel, cancellationToken);
            if (owner is null)
            {
                return refusal!;
            }

            if (await CheckNewDeviceAsync(db, owner, device, cancellationToken) is { } invalid)
            {
                return invalid;
            }

            owner.Devices.Add(new Device { Name = device, HasKeyring = withKeyring, CreatedAt = time.GetUtcNow() });
            audit.Record(db, actor, "create-device", $"{channel}/{device}", channel,
                AuditChange.Created($"device {device}{(withKeyring ? " with the server's device keyring" : "")}"));
            var publish = PublishRequest.ForDevices([new DeviceRef(channel, device)])
                .Merge(await aliasSync.SyncAliasesOfAsync(db, owner, cancellationToken));
            return new Mutation(OperationResult.Ok($"Created device '{device}' in channel '{channel}'."), publish);
        }, cancellationToken);

    /// <summary>
    /// Publishes a device-signing keyring (<c>device.tar.xz</c>) for an existing device, or publishes it again: the
    /// server's own device-signing key when <paramref name="uploaded"/> is null, else the uploaded public keys.
    /// </summary>
    public Task<OperationResult> PublishKeyringAsync(string channel, string device, UploadedKeyring? uploaded, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            var (owner, refusal) = await LoadWritableChannelAsync(db, channel, cancellationToken);
            if (owner is null)
            {
                return refusal!;
            }

            var target = await db.Devices.FirstOrDefaultAsync(d => d.ChannelId == owner.Id && d.Name == device, cancellationToken);
            if (target is null)
            {
                return OperationResult.NotFound($"Channel '{channel}' has no device '{device}'.");
            }

            if (target.RedirectTarget is not null)
            {
                return OperationResult.Conflict($"Device '{device}' of '{channel}' is redirected to '{target.RedirectTarget}'; it has no keyring of its own.");
            }

            var before = DescribeKeyring(target);
            target.HasKeyring = true;
            target.UploadedKeyring = uploaded?.Keyring;
            target.UploadedKeyringExpiry = uploaded?.Expiry;
            target.UploadedKeyringAt = uploaded is null ? null : time.GetUtcNow();
            audit.Record(db, actor, "publish-device-keyring", $"{channel}/{device}", channel,
                new AuditChange(before, uploaded is null ? "the server's device-signing key" : $"uploaded keys {string.Join(", ", uploaded.Fingerprints)}"));
            var publish = PublishRequest.ForDevices([new DeviceRef(channel, device)]).Merge(await aliasSync.SyncAliasesOfAsync(db, owner, cancellationToken));
            var what = uploaded is null ? "the server's device-signing key" : $"{uploaded.Fingerprints.Count} uploaded key(s)";
            return new Mutation(OperationResult.Ok($"Published the device keyring of {channel}/{device} ({what})."), publish);
        }, cancellationToken);

    public Task<OperationResult> CopyAllAsync(string fromChannel, string toChannel, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            var source = await ChannelService.LoadAsync(db, fromChannel, cancellationToken);
            if (source is null)
            {
                return OperationResult.NotFound($"Channel '{fromChannel}' does not exist.");
            }

            var (destination, refusal) = await LoadWritableChannelAsync(db, toChannel, cancellationToken);
            if (destination is null)
            {
                return refusal!;
            }

            var (created, overlap) = await CopyDevicesAsync(db, source, destination, time.GetUtcNow(), cancellationToken);
            if (overlap is not null)
            {
                return overlap;
            }

            audit.Record(db, actor, "copy-devices", toChannel, toChannel, new AuditChange(
                $"devices {Names.List(destination.Devices.Select(d => d.Name).Except(created.Select(c => c.Device)))}",
                $"devices {Names.List(destination.Devices.Select(d => d.Name))} (from {fromChannel}: {Names.List(created.Select(c => c.Device))})"));
            var publish = PublishRequest.ForDevices(created).Merge(await aliasSync.SyncAliasesOfAsync(db, destination, cancellationToken));
            return new Mutation(OperationResult.Ok($"Copied {created.Count} device(s) from '{fromChannel}' to '{toChannel}'."), publish);
        }, cancellationToken);

    public Task<OperationResult> CreateRedirectAsync(string channel, string device, string targetChannel, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            var (owner, refusal) = await LoadWritableChannelAsync(db, channel, cancellationToken);
            if (owner is null)
            {
                return refusal!;
            }

            if (await CheckNewDeviceAsync(db, owner, device, cancellationToken) is { } invalid)
            {
                return invalid;
            }

            var target = await ChannelService.LoadAsync(db, targetChannel, cancellationToken);
            if (target is null)
            {
                return OperationResult.NotFound($"Channel '{targetChannel}' does not exist.");
            }

            if (target.Name == channel || target.RedirectTarget is not null)
            {
                return OperationResult.Conflict($"Channel '{targetChannel}' cannot be the target of a per-device redirect (it is {(target.Name == channel ? "the same channel" : "a redirect")}).");
            }

            var targetDevice = target.Devices.FirstOrDefault(d => d.Name == device);
            if (targetDevice is null)
            {
                return OperationResult.NotFound($"Channel '{targetChannel}' has no device '{device}'.");
            }

            if (targetDevice.RedirectTarget is not null)
            {
                return OperationResult.Conflict($"Device '{device}' of '{targetChannel}' is itself redirected to '{targetDevice.RedirectTarget}'.");
            }

            owner.Devices.Add(new Device { Name = device, RedirectTarget = targetChannel, CreatedAt = time.GetUtcNow() });
            audit.Record(db, actor, "create-device-redirect", $"{channel}/{device}", channel, AuditChange.Created($"device {device} redirected to {targetChannel}"));
            var publish = (await aliasSync.SyncAliasesOfAsync(db, owner, cancellationToken)).Merge(PublishRequest.ChannelsOnly);
            return new Mutation(OperationResult.Ok($"Device '{device}' of '{channel}' now uses channel '{targetChannel}'."), publish);
        }, cancellationToken);

    public Task<OperationResult> RemoveAsync(string channel, string device, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            var owner = await ChannelService.LoadAsync(db, channel, cancellationToken);
            if (owner is null)
            {
                return OperationResult.NotFound($"Channel '{channel}' does not exist.");
            }

            var existing = owner.Devices.FirstOrDefault(d => d.Name == device);
            if (existing is null)
            {
                return OperationResult.NotFound($"Channel '{channel}' has no device '{device}'.");
            }

            if (owner.AliasTarget is not null)
            {
                return OperationResult.Conflict($"Channel '{channel}' is an alias of '{owner.AliasTarget}'; remove the device there.");
            }

            var redirects = await db.Devices.Include(d => d.Channel)
                .Where(d => d.RedirectTarget == channel && d.Name == device).ToListAsync(cancellationToken);
            db.Devices.RemoveRange(redirects);
            owner.Devices.Remove(existing);
            db.Devices.Remove(existing);
            var redirected = redirects.Count > 0 ? $"; per-device redirects to it from {Names.List(redirects.Select(d => d.Channel.Name))}" : "";
            var versions = await db.Images.Where(i => i.DeviceId == existing.Id && i.Type == ImageType.Full).Select(i => i.Version).ToListAsync(cancellationToken);
            var was = existing.RedirectTarget is { } to
                ? $"redirected to {to}"
                : $"full images {Names.List(versions.Order().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)))}, {DescribeKeyring(existing)}";
            audit.Record(db, actor, "remove-device", $"{channel}/{device}", channel, AuditChange.Removed($"device {device}: {was}{redirected}"));

            var removed = existing.RedirectTarget is null ? new[] { TreeLayout.DeviceDirectory(channel, device) } : [];
            var publish = PublishRequest.ForDevices([], removed).Merge(await aliasSync.SyncAliasesOfAsync(db, owner, cancellationToken));
            foreach (var other in redirects.Select(d => d.Channel).Distinct())
            {
                other.Devices.RemoveAll(d => redirects.Contains(d));
                publish = publish.Merge(await aliasSync.SyncAliasesOfAsync(db, other, cancellationToken));
            }

            return new Mutation(OperationResult.Ok($"Removed device '{device}' from channel '{channel}'."), publish);
        }, cancellationToken);

    /// <summary>
    /// Adds to <paramref name="destination"/> (tracked by <paramref name="db"/>, saved by the caller) every device of
    /// <paramref name="source"/> it lacks, with its keyring but without images; refuses when a device directory would
    /// overlap another channel's or has a name the server refuses.
    /// </summary>
    internal static async Task<(List<DeviceRef> Created, OperationResult? Refusal)> CopyDevicesAsync(
        SystemImageDbContext db, Channel source, Channel destination, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var created = new List<DeviceRef>();
        foreach (var device in source.Devices.Where(d => destination.Devices.All(e => e.Name != d.Name)))
        {
            if (await CheckNewDeviceAsync(db, destination, device.Name, cancellationToken) is { } refusal)
            {
                return (created, refusal);
            }

            var keyring = device.HasKeyring && device.RedirectTarget is null;
            destination.Devices.Add(new Device
            {
                Name = device.Name,
                HasKeyring = keyring,
                UploadedKeyring = keyring ? device.UploadedKeyring : null,
                UploadedKeyringExpiry = keyring ? device.UploadedKeyringExpiry : null,
                UploadedKeyringAt = keyring ? device.UploadedKeyringAt : null,
                CreatedAt = now,
            });
            created.Add(new DeviceRef(destination.Name, device.Name));
        }

        return (created, null);
    }

    private static async Task<(Channel? Channel, OperationResult? Refusal)> LoadWritableChannelAsync(SystemImageDbContext db, string name, CancellationToken cancellationToken)
    {
        var channel = await ChannelService.LoadAsync(db, name, cancellationToken);
        if (channel is null)
        {
            return (null, OperationResult.NotFound($"Channel '{name}' does not exist."));
        }

        if (channel.RedirectTarget is not null)
        {
            return (null, OperationResult.Conflict($"Channel '{name}' is a redirect to '{channel.RedirectTarget}'; it has no devices of its own."));
        }

        if (channel.AliasTarget is not null)
        {
            return (null, OperationResult.Conflict($"Channel '{name}' is an alias of '{channel.AliasTarget}'; its devices mirror the target, so add the device there."));
        }

        return Names.RefuseStoredChannel(channel.Name) is { } stale ? (null, OperationResult.Conflict(stale)) : (channel, null);
    }

    private static async Task<OperationResult?> CheckNewDeviceAsync(SystemImageDbContext db, Channel owner, string device, CancellationToken cancellationToken)
    {
        if (Names.ValidateDevice(device) is { } invalid)
        {
            return OperationResult.Invalid(invalid);
        }

        if (owner.Devices.Any(d => d.Name == device))
        {
            return OperationResult.Conflict($"Device '{device}' already exists in channel '{owner.Name}'.");
        }

        if (await TreeOverlap.ForDeviceAsync(db, owner.Name, device, cancellationToken) is { } overlap)
        {
            return OperationResult.Conflict(overlap);
        }

        var directory = TreeLayout.DeviceDirectory(owner.Name, device);
        return db.Staged is { } staged && TreeObstacle.InDirectory(staged.PublishRoot, directory) is { } obstacle
            ? OperationResult.Conflict($"Device '{device}' of channel '{owner.Name}' cannot have its directory: {TreeObstacle.ExplainDirectory(directory, obstacle)}.")
            : null;
    }

    private static string DescribeKeyring(Device device) => device switch
    {
        { HasKeyring: false } => "no device keyring",
        { UploadedKeyring: null } => "the server's device-signing key",
        _ => $"uploaded keys {string.Join(", ", UploadedKeyringFingerprints(device.UploadedKeyring))}",
    };

    private static IEnumerable<string> UploadedKeyringFingerprints(byte[] keyring) =>
        UploadedKeyring.Rings(keyring).Select(r => Convert.ToHexString(r.GetPublicKey().GetFingerprint()));
}
