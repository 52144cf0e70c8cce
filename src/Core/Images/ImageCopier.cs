using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Images;

/// <summary>
/// Adds to a device a new full image made of the same pool files as an existing one (copy, promote, tag, revert),
/// with deltas from the device's delta bases, then expires images beyond the channel's full count.
/// </summary>
public sealed class ImageCopier(ImageComposer composer, ImageExpiry expiry)
{
    public async Task<Image> CopyAsync(
        SystemImageDbContext db, Image source, Channel channel, Device device, int version, string versionDetail, int? phasedPercentage, CancellationToken cancellationToken)
    {
        var paths = source.Files.Where(f => f.PartName != ImageComposer.VersionPart).OrderBy(f => f.Order).Select(f => f.Path).ToList();
        var pool = await db.PoolFiles.Where(p => paths.Contains(p.Path)).ToDictionaryAsync(p => p.Path, cancellationToken);
        var parts = paths.Select(p => pool.TryGetValue(p, out var file) ? file : throw new InvalidOperationException($"Pool file {p} is not in the database.")).ToList();
        var description = source.Description == source.VersionDetail ? versionDetail : source.Description;
        var content = new ImageContent(parts, versionDetail, description)
        {
            Translations = new Dictionary<string, string>(source.Translations),
            PhasedPercentage = phasedPercentage,
            MinVersion = source.MinVersion,
            Bootme = source.Bootme,
        };
        var bases = await DeltaBasesAsync(db, channel, device, version, cancellationToken);
        var image = await composer.ComposeAsync(db, channel, device, version, content, bases, cancellationToken);
        expiry.Expire(db, channel, device);
        return image;
    }

    /// <summary>The full images a copy as <paramref name="version"/> gets a delta from (previews show the same list).</summary>
    public static async Task<IReadOnlyList<Image>> DeltaBasesAsync(SystemImageDbContext db, Channel channel, Device device, int version, CancellationToken cancellationToken) =>
        [.. (await DeltaBases.LatestFullImagesAsync(db, channel, device, cancellationToken)).Where(b => b.Type == ImageType.Full && b.Version < version)];
}
