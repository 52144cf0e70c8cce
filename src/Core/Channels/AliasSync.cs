using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Images;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Channels;

/// <summary>
/// Keeps alias channels mirroring their target (SPEC §4): after any change to a target, every alias of it gets
/// the target's devices and images (phased percentage included), with version tarballs of its own whose
/// channel.ini names the alias and carries <c>channel_target</c>. Changes made directly on an alias are reverted.
/// </summary>
public sealed class AliasSync(VersionTarballWriter versionTarballs, TimeProvider time)
{
    /// <summary>Syncs every alias of <paramref name="target"/> in the current unit of work and returns what to republish.</summary>
    public async Task<PublishRequest> SyncAliasesOfAsync(SystemImageDbContext db, Channel target, CancellationToken cancellationToken)
    {
        var aliases = await db.Channels.Where(c => c.AliasTarget == target.Name).ToListAsync(cancellationToken);
        var devices = new List<DeviceRef>();
        var removed = new List<string>();
        // An alias the server cannot publish under its name (an old row) is left as it is until it is renamed or removed.
        foreach (var alias in aliases.Where(a => Names.ValidateChannel(a.Name) is null))
        {
            await SyncAsync(db, alias, target, devices, removed, cancellationToken);
        }

        return aliases.Count == 0 ? PublishRequest.ChannelsOnly : PublishRequest.ForDevices(devices, removed);
    }

    /// <summary>Makes <paramref name="alias"/> mirror <paramref name="target"/>; adds the devices to republish and the directories to remove.</summary>
    public async Task SyncAsync(SystemImageDbContext db, Channel alias, Channel target, List<DeviceRef> devices, List<string> removed, CancellationToken cancellationToken)
    {
        var sources = await LoadDevicesAsync(db, target, cancellationToken);
        var mirrors = alias.Id == 0 ? alias.Devices : await LoadDevicesAsync(db, alias, cancellationToken);
        // A device of the target the server cannot publish under its name (an old row) is not mirrored.
        var wanted = sources.Where(d => Names.ValidateDevice(d.Name) is null).ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var extra in mirrors.Where(d => !wanted.ContainsKey(d.Name)).ToList())
        {
            alias.Devices.Remove(extra);
            db.Devices.Remove(extra);
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
            mirror.UploadedKeyring = source.UploadedKeyring;
            mirror.UploadedKeyringExpiry = source.UploadedKeyringExpiry;
            mirror.UploadedKeyringAt = source.UploadedKeyringAt;
            mirror.RedirectTarget = source.RedirectTarget;
            MirrorImages(db, alias, mirror, source);
            devices.Add(new DeviceRef(alias.Name, source.Name));
        }
    }

    private void MirrorImages(SystemImageDbContext db, Channel alias, Device mirror, Device source)
    {
        var versionFiles = new Dictionary<int, ImageFile>();
        var sourceImages = source.Images.Where(i => db.Entry(i).State != EntityState.Deleted).ToList();
        foreach (var stale in mirror.Images.Where(m => !sourceImages.Any(s => SameEntry(s, m))).ToList())
        {
            mirror.Images.Remove(stale);
            db.Images.Remove(stale);
        }

        foreach (var image in sourceImages)
        {
            var copy = mirror.Images.FirstOrDefault(m => SameEntry(image, m));
            if (copy is null)
            {
                copy = new Image { Type = image.Type, Version = image.Version, Base = image.Base, CreatedAt = image.CreatedAt };
                mirror.Images.Add(copy);
            }

            copy.Description = image.Description;
            copy.Translations = new Dictionary<string, string>(image.Translations);
            copy.VersionDetail = image.VersionDetail;
            copy.Bootme = image.Bootme;
            copy.MinVersion = image.MinVersion;
            copy.PhasedPercentage = image.PhasedPercentage;
            var files = image.Files.OrderBy(f => f.Order).Select(f => f.PartName == ImageComposer.VersionPart
                ? VersionFile(db, alias, mirror, image, f.Order, versionFiles)
                : new ImageFile { Order = f.Order, PartName = f.PartName, Path = f.Path, Signature = f.Signature, Checksum = f.Checksum, Size = f.Size }).ToList();
            if (!files.Select(Describe).SequenceEqual(copy.Files.OrderBy(f => f.Order).Select(Describe)))
            {
                db.ImageFiles.RemoveRange(copy.Files);
                copy.Files = files;
            }
        }
    }

    private ImageFile VersionFile(SystemImageDbContext db, Channel alias, Device mirror, Image image, int order, Dictionary<int, ImageFile> cache)
    {
        if (!cache.TryGetValue(image.Version, out var file))
        {
            file = versionTarballs.Ensure(db, alias.Name, mirror.Name, image.Version, image.VersionDetail, alias.AliasTarget, order);
            cache[image.Version] = file;
        }

        return new ImageFile { Order = order, PartName = file.PartName, Path = file.Path, Signature = file.Signature, Checksum = file.Checksum, Size = file.Size };
    }

    private static async Task<List<Device>> LoadDevicesAsync(SystemImageDbContext db, Channel channel, CancellationToken cancellationToken)
    {
        await db.Entry(channel).Collection(c => c.Devices).Query().Include(d => d.Images).ThenInclude(i => i.Files).LoadAsync(cancellationToken);
        return [.. channel.Devices.Where(d => db.Entry(d).State is not (EntityState.Deleted or EntityState.Detached))];
    }

    private static bool SameEntry(Image a, Image b) => a.Type == b.Type && a.Version == b.Version && a.Base == b.Base;

    private static string Describe(ImageFile f) => $"{f.Order}|{f.PartName}|{f.Path}|{f.Checksum}|{f.Size}";
}
