using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Images;

/// <summary>
/// The images a new image of a device gets deltas from (SPEC §5 step 1): for each delta-base channel (default the
/// channel itself), that channel's latest full image of the device, when the same version exists here as a full image.
/// </summary>
public static class DeltaBases
{
    public static async Task<IReadOnlyList<Image>> LatestFullImagesAsync(SystemImageDbContext db, Channel channel, Device device, CancellationToken cancellationToken)
    {
        var here = device.Images.Where(i => i.Type == ImageType.Full).ToList();
        var result = new List<Image>();
        foreach (var baseChannel in channel.DeltaBases.Count == 0 ? [channel.Name] : channel.DeltaBases)
        {
            int? version;
            if (baseChannel == channel.Name)
            {
                version = here.MaxBy(i => i.Version)?.Version;
            }
            else
            {
                version = await db.Images
                    .Where(i => i.Type == ImageType.Full && i.Device.Name == device.Name && i.Device.Channel.Name == baseChannel)
                    .MaxAsync(i => (int?)i.Version, cancellationToken);
            }

            if (version is not null && here.FirstOrDefault(i => i.Version == version) is { } image && !result.Contains(image))
            {
                result.Add(image);
            }
        }

        return result;
    }
}
