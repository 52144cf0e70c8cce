using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Images;

/// <summary>Removes full images beyond a channel's full count, and every delta whose target or base expired (SPEC §4).</summary>
public sealed partial class ImageExpiry(ILogger<ImageExpiry> logger)
{
    public IReadOnlyList<Image> Expire(SystemImageDbContext db, Channel channel, Device device)
    {
        if (channel.FullCount <= 0)
        {
            return [];
        }

        var live = device.Images.Where(i => db.Entry(i).State != EntityState.Deleted).ToList();
        var kept = live.Where(i => i.Type == ImageType.Full).OrderByDescending(i => i.Version).Take(channel.FullCount).Select(i => i.Version).ToHashSet();
        var expired = live.Where(i => !kept.Contains(i.Version) || (i.Base is { } b && !kept.Contains(b))).ToList();
        foreach (var image in expired)
        {
            device.Images.Remove(image);
            db.Images.Remove(image);
        }

        if (expired.Count > 0)
        {
            LogExpired(logger, channel.Name, device.Name, expired.Count, channel.FullCount);
        }

        return expired;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} images of {Channel}/{Device} (keeping {FullCount} full images)")]
    private static partial void LogExpired(ILogger logger, string channel, string device, int count, int fullCount);
}
