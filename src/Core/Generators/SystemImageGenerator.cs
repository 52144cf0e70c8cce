using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Channels;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Generators;

/// <summary>
/// <c>system-image</c> (arguments: channel, part name; option <c>device</c>): reuses the file of that part name from the
/// latest full image of another channel on this server, for the same device unless <c>device</c> names another
/// (SPEC §5). Nothing is copied: the existing pool file is returned. A device of that channel that is a per-device
/// redirect is followed once. A missing channel, device, image or part gives nothing, with a line in the import log.
/// </summary>
public sealed class SystemImageGenerator : IFileGenerator
{
    public const string GeneratorName = "system-image";

    public string Name => GeneratorName;

    public string? Validate(ImportFile file)
    {
        if (file.Arguments.Count != 2)
        {
            return "the system-image generator takes two arguments: a channel and a part name";
        }

        if (file.Options.Keys.FirstOrDefault(k => k != "device") is { } unknown)
        {
            return $"unknown option '{unknown}' (known: device)";
        }

        return Names.ValidateChannel(file.Arguments[0])
            ?? Names.ValidatePart(file.Arguments[1])
            ?? (file.Arguments[1] == VersionGenerator.GeneratorName ? "a version tarball belongs to its channel and cannot be reused; use the version generator" : null)
            ?? (file.Options.TryGetValue("device", out var device) ? Names.ValidateDevice(device) : null);
    }

    public async Task<PoolFile?> GenerateAsync(GeneratorContext context, CancellationToken cancellationToken)
    {
        if (Validate(context.File) is { } error)
        {
            throw new GeneratorException(error);
        }

        var (channel, part) = (context.File.Arguments[0], context.File.Arguments[1]);
        var device = context.File.Options.GetValueOrDefault("device") ?? context.Device;
        var found = await context.Db.Devices.AsNoTracking()
            .Where(d => d.Channel.Name == channel && d.Name == device)
            .Select(d => new { d.RedirectTarget })
            .FirstOrDefaultAsync(cancellationToken);
        if (found?.RedirectTarget is { } target)
        {
            channel = target;
            found = await context.Db.Devices.AsNoTracking()
                .Where(d => d.Channel.Name == channel && d.Name == device)
                .Select(d => new { d.RedirectTarget })
                .FirstOrDefaultAsync(cancellationToken);
        }

        if (found is null)
        {
            return Nothing(context, $"channel '{channel}' has no device '{device}'");
        }

        var image = await context.Db.Images.AsNoTracking()
            .Include(i => i.Files)
            .Where(i => i.Device.Channel.Name == channel && i.Device.Name == device && i.Type == ImageType.Full)
            .OrderByDescending(i => i.Version)
            .FirstOrDefaultAsync(cancellationToken);
        if (image is null)
        {
            return Nothing(context, $"{channel}/{device} has no full image");
        }

        if (image.Files.FirstOrDefault(f => f.PartName == part) is not { } file)
        {
            return Nothing(context, $"version {image.Version} of {channel}/{device} has no part '{part}'");
        }

        var pooled = await context.Db.PoolFiles.AsNoTracking().FirstOrDefaultAsync(p => p.Path == file.Path, cancellationToken);
        if (pooled is null)
        {
            return Nothing(context, $"{file.Path} of {channel}/{device} version {image.Version} is not a pool file");
        }

        context.Session.Reporter.Log($"{context.Device}: {context.File.Name}: reusing {pooled.Path} from {channel}/{device} version {image.Version}");
        return pooled.AsPart(context.File.Name);
    }

    private static PoolFile? Nothing(GeneratorContext context, string reason)
    {
        context.Session.Reporter.Log($"{context.Device}: {context.File.Name}: {reason}; nothing to reuse");
        return null;
    }
}
