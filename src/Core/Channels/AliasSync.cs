using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Channels;

/// <summary>
/// Keeps alias channels mirroring their target (SPEC §4): after any change to a target, every alias of it
/// gets the target's device set; devices changed directly on an alias are reverted.
/// </summary>
public sealed class AliasSync(TimeProvider time)
{
    /// <summary>Syncs every alias of <paramref name="target"/> in the current unit of work and returns what to republish.</summary>
    public async Task<PublishRequest> SyncAliasesOfAsync(SystemImageDbContext db, Channel target, CancellationToken cancellationToken)
    {
        var aliases = await db.Channels.Include(c => c.Devices).Where(c => c.AliasTarget == target.Name).ToListAsync(cancellationToken);
        var devices = new List<DeviceRef>();
        var removed = new List<string>();
        if (aliases.Count == 0)
        {
            return PublishRequest.ChannelsOnly;
        }

        await db.Entry(target).Collection(c => c.Devices).LoadAsync(cancellationToken);
        var live = target.Devices.Where(d => db.Entry(d).State is not (EntityState.Deleted or EntityState.Detached)).ToList();
        foreach (var alias in aliases)
        {
            Sync(alias, live, devices, removed);
        }

        return new PublishRequest { Devices = devices, RemoveDirectories = removed };
    }

    public void Sync(Channel alias, Channel target, List<DeviceRef> devices, List<string> removed) =>
        Sync(alias, target.Devices, devices, removed);

    private void Sync(Channel alias, IEnumerable<Device> targetDevices, List<DeviceRef> devices, List<string> removed)
    {
        var wanted = targetDevices.ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var extra in alias.Devices.Where(d => !wanted.ContainsKey(d.Name)).ToList())
        {
            alias.Devices.Remove(extra);
            removed.Add(TreeLayout.DeviceDirectory(alias.Name, extra.Name));
        }

        foreach (var source in wanted.Values)
        {
            var mirror = alias.Devices.FirstOrDefault(d => d.Name == source.Name);
            if (mirror is null)
            {
                mirror = new Device { Name = source.Name, CreatedAt = time.GetUtcNow() };
                alias.Devices.Add(mirror);
            }

            mirror.HasKeyring = source.HasKeyring;
            mirror.RedirectTarget = source.RedirectTarget;
            devices.Add(new DeviceRef(alias.Name, source.Name));
        }
    }
}
