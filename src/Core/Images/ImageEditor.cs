using Microsoft.Extensions.Options;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Persistence;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Images;

/// <summary>Changes to published images: phased percentage (latest version only) and removal of a full or delta image.</summary>
public sealed class ImageEditor(TreeMutator mutator, AliasSync aliasSync, AuditLog audit, IOptions<DescriptionOptions> descriptions)
{
    public Task<OperationResult> SetPhasedPercentageAsync(string channel, string device, int version, int percentage, Actor actor, CancellationToken cancellationToken)
    {
        if (percentage is < 0 or > 100)
        {
            return Task.FromResult(OperationResult.Invalid($"Phased percentage {percentage} is outside 0–100."));
        }

        return mutator.MutateAsync(async db =>
        {
            var (owner, target, refusal) = await ImageTargets.LoadWritableAsync(db, channel, device, cancellationToken);
            if (target is null)
            {
                return refusal!;
            }

            var entries = target.Images.Where(i => i.Version == version).ToList();
            if (entries.Count == 0)
            {
                return OperationResult.NotFound($"{channel}/{device} has no image with version {version}.");
            }

            var latest = target.Images.Max(i => i.Version);
            if (version != latest)
            {
                return OperationResult.Conflict($"Version {version} is not the latest version ({latest}) of {channel}/{device}; only the latest can be phased.");
            }

            var before = entries.Select(e => e.PhasedPercentage ?? 100).Max();
            if (entries.All(e => (e.PhasedPercentage ?? 100) == percentage))
            {
                return Mutation.Unchanged($"Nothing changed: version {version} of {channel}/{device} already is phased at {percentage}%.");
            }

            foreach (var entry in entries)
            {
                entry.PhasedPercentage = percentage == 100 ? null : percentage;
            }

            audit.Record(db, actor, "set-phased-percentage", $"{channel}/{device}", channel, new AuditChange($"version {version} at {before}%", $"version {version} at {percentage}%"));
            return new Mutation(
                OperationResult.Ok($"Version {version} of {channel}/{device} is now phased at {percentage}%."),
                await RepublishAsync(db, owner!, device, cancellationToken));
        }, cancellationToken);
    }

    /// <summary>Sets the description (and translations, keyed by language) of every entry of a version.</summary>
    public Task<OperationResult> SetDescriptionAsync(
        string channel, string device, int version, string description, IReadOnlyDictionary<string, string>? translations, Actor actor, CancellationToken cancellationToken)
    {
        if (ImageDescriptions.Validate(description, translations, descriptions.Value) is { } invalid)
        {
            return Task.FromResult(OperationResult.Invalid(invalid));
        }

        return mutator.MutateAsync(async db =>
        {
            var (owner, target, refusal) = await ImageTargets.LoadWritableAsync(db, channel, device, cancellationToken);
            if (target is null)
            {
                return refusal!;
            }

            var entries = target.Images.Where(i => i.Version == version).ToList();
            if (entries.Count == 0)
            {
                return OperationResult.NotFound($"{channel}/{device} has no image with version {version}.");
            }

            var before = Describe(entries[0]);
            if (entries.All(e => e.Description == description && (translations is null || SameTranslations(e.Translations, translations))))
            {
                return Mutation.Unchanged($"Nothing changed: version {version} of {channel}/{device} already has this description.");
            }

            foreach (var entry in entries)
            {
                entry.Description = description;
                entry.Translations = translations is null ? entry.Translations : new Dictionary<string, string>(translations);
            }

            audit.Record(db, actor, "set-description", $"{channel}/{device}", channel, new AuditChange($"version {version}: {before}", $"version {version}: {Describe(entries[0])}"));
            return new Mutation(OperationResult.Ok($"Updated the description of version {version} of {channel}/{device}."), await RepublishAsync(db, owner!, device, cancellationToken));
        }, cancellationToken);
    }

    public Task<OperationResult> RemoveAsync(string channel, string device, int version, int? deltaBase, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            var (owner, target, refusal) = await ImageTargets.LoadWritableAsync(db, channel, device, cancellationToken);
            if (target is null)
            {
                return refusal!;
            }

            var image = target.Images.FirstOrDefault(i => i.Version == version
                && (deltaBase is null ? i.Type == ImageType.Full : i.Type == ImageType.Delta && i.Base == deltaBase));
            var what = deltaBase is null ? $"full image {version}" : $"delta {deltaBase}→{version}";
            if (image is null)
            {
                return OperationResult.NotFound($"{channel}/{device} has no {what}.");
            }

            target.Images.Remove(image);
            db.Images.Remove(image);
            audit.Record(db, actor, "remove-image", $"{channel}/{device}", channel,
                AuditChange.Removed($"{what} ({string.Join(", ", image.Files.OrderBy(f => f.Order).Select(f => Path.GetFileName(f.Path)))})"));
            return new Mutation(OperationResult.Ok($"Removed {what} from {channel}/{device}."), await RepublishAsync(db, owner!, device, cancellationToken));
        }, cancellationToken);

    private static bool SameTranslations(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string> wanted) =>
        current.Count == wanted.Count && wanted.All(t => current.TryGetValue(t.Key, out var text) && text == t.Value);

    private static string Describe(Image image) =>
        $"'{image.Description}'" + string.Concat(image.Translations.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $", {t.Key} '{t.Value}'"));

    /// <summary>Saves the change, re-syncs the channel's aliases and names the indexes to republish.</summary>
    private async Task<PublishRequest> RepublishAsync(SystemImageDbContext db, Channel owner, string device, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        return PublishRequest.ForDevices([new DeviceRef(owner.Name, device)]).Merge(await aliasSync.SyncAliasesOfAsync(db, owner, cancellationToken));
    }
}
