using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Images;

/// <summary>
/// Reverts a bad image (SPEC §4): the last good build is copied as a new version of the same channel. An automatic
/// channel's imports are paused first, as the operations manual advises, so the next scheduled import does not publish
/// the broken build again; they stay paused until someone resumes them.
/// </summary>
public sealed class ImageRevert(ImageCopyService copies, ImporterConfigService importers)
{
    public async Task<OperationResult> RevertAsync(string channel, string device, int goodVersion, Actor actor, CancellationToken cancellationToken)
    {
        var request = new CopyImageRequest(channel, channel, device) { Version = goodVersion };
        var (check, _) = await copies.PreviewAsync(request, cancellationToken);
        if (!check.Succeeded)
        {
            return check;
        }

        var config = await importers.GetAsync(channel, cancellationToken);
        OperationResult? paused = null;
        if (config?.Type == ChannelType.Auto)
        {
            paused = await importers.SetPausedAsync(channel, true, actor, cancellationToken);
            if (!paused.Succeeded)
            {
                return paused;
            }
        }

        var copied = await copies.RevertAsync(request, actor, cancellationToken);
        if (copied.Succeeded)
        {
            return copied with
            {
                Message = paused is null
                    ? $"Reverted {channel}/{device}: {copied.Message}"
                    : $"Reverted {channel}/{device}: {paused.Message} {copied.Message} Resume imports of {channel} once a fixed build is available.",
            };
        }

        // A refused copy changes nothing, so neither does the revert: imports this call paused run again.
        if (config is { Type: ChannelType.Auto, Paused: false })
        {
            await importers.SetPausedAsync(channel, false, actor, cancellationToken);
            return copied with { Message = $"{copied.Message} Imports of {channel} were resumed again." };
        }

        return copied;
    }
}
