using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Generators;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Importing;

/// <summary>Reads, validates and saves channels' importer configurations; pauses and resumes their imports.</summary>
public sealed class ImporterConfigService(
    IDbContextFactory<SystemImageDbContext> dbFactory,
    TreeMutator mutator,
    ChannelService channels,
    GeneratorRegistry generators,
    AuditLog audit)
{
    public async Task<ImporterConfig?> GetAsync(string channel, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Name == channel, cancellationToken);
        return found is null ? null : ImporterConfig.Of(found);
    }

    /// <summary>Every automatic channel that is not paused and has a schedule, with its cron expression, in one query.</summary>
    public async Task<IReadOnlyList<(string Channel, string Schedule)>> ScheduledAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Channels.AsNoTracking()
            .Where(c => c.Type == ChannelType.Auto && !c.ImportPaused && c.ImportSchedule != null)
            .Select(c => new { c.Name, c.ImportSchedule })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.Name, r.ImportSchedule!))];
    }

    /// <summary>Replaces <paramref name="channel"/>'s configuration after validating it; nothing changes when it is refused.</summary>
    public Task<OperationResult> SetAsync(string channel, ImporterConfig config, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            var target = await db.Channels.FirstOrDefaultAsync(c => c.Name == channel, cancellationToken);
            if (target is null)
            {
                return OperationResult.NotFound($"Channel '{channel}' does not exist.");
            }

            if (await ValidateAsync(db, target, config, cancellationToken) is { } error)
            {
                // An alias or redirect made automatic is the wrong kind of channel for the operation, not bad input.
                var wrongKind = config.Type == ChannelType.Auto && (target.AliasTarget ?? target.RedirectTarget) is not null;
                return new OperationResult(wrongKind ? OperationStatus.Conflict : OperationStatus.Invalid, $"Importer configuration of '{channel}': {error}");
            }

            var before = target.Type == ChannelType.Auto ? DescribeFully(ImporterConfig.Of(target)) : "manual";
            var unchanged = new Channel { Name = channel };
            Apply(unchanged, config);
            if (Settings(ImporterConfig.Of(target)) == Settings(ImporterConfig.Of(unchanged)))
            {
                return Mutation.Unchanged($"Nothing changed: the importer configuration of {channel} already is {Describe(config)}.");
            }

            Apply(target, config);
            audit.Record(db, actor, "set-importer-config", channel, channel, new AuditChange(before, DescribeFully(config)));
            return new Mutation(OperationResult.Ok($"Saved the importer configuration of {channel} ({Describe(config)})."), PublishRequest.ChannelsOnly);
        }, cancellationToken);

    /// <summary>Pauses or resumes the channel's imports (scheduled and on demand).</summary>
    public Task<OperationResult> SetPausedAsync(string channel, bool paused, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            var target = await db.Channels.FirstOrDefaultAsync(c => c.Name == channel, cancellationToken);
            if (target is null)
            {
                return OperationResult.NotFound($"Channel '{channel}' does not exist.");
            }

            if (target.Type != ChannelType.Auto)
            {
                return OperationResult.Conflict($"Channel '{channel}' is not an automatic channel; it has no imports to {(paused ? "pause" : "resume")}.");
            }

            if (target.ImportPaused == paused)
            {
                return Mutation.Unchanged($"Imports of {channel} already are {(paused ? "paused" : "running")}.");
            }

            target.ImportPaused = paused;
            audit.Record(db, actor, paused ? "pause-import" : "resume-import", channel, channel, new AuditChange(paused ? "imports running" : "imports paused", paused ? "imports paused" : "imports running"));
            return new Mutation(OperationResult.Ok($"{(paused ? "Paused" : "Resumed")} imports of {channel}."), PublishRequest.ChannelsOnly);
        }, cancellationToken);

    /// <summary>
    /// Reads a classic INI configuration (see <see cref="ClassicIniConfig"/>), creates the channels it lists that do
    /// not exist yet and saves every channel's configuration. Everything is validated before anything changes.
    /// </summary>
    public async Task<IniImport> ImportIniAsync(string text, Actor actor, CancellationToken cancellationToken)
    {
        IReadOnlyList<(string Channel, ImporterConfig Config)> parsed;
        try
        {
            parsed = ClassicIniConfig.Parse(text);
        }
        catch (FormatException e)
        {
            return IniImport.Refused(OperationResult.Invalid(e.Message));
        }

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var listed = parsed.Select(p => p.Channel).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, config) in parsed)
            {
                if (Names.ValidateChannel(name) is { } nameError)
                {
                    return IniImport.Refused(OperationResult.Invalid(nameError));
                }

                var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Name == name, cancellationToken) ?? new Channel { Name = name };
                if (await ValidateAsync(db, channel, config, cancellationToken, listed) is { } error)
                {
                    return IniImport.Refused(OperationResult.Invalid($"Importer configuration of '{name}': {error}"));
                }
            }
        }

        // Every listed channel first, so a configuration may name a later one as its delta base.
        var created = new List<string>();
        foreach (var (name, _) in parsed)
        {
            if (await GetAsync(name, cancellationToken) is null)
            {
                var create = await channels.CreateAsync(name, false, actor, cancellationToken);
                if (!create.Succeeded)
                {
                    return IniImport.Refused(create);
                }

                created.Add(name);
            }
        }

        foreach (var (name, config) in parsed)
        {
            var saved = await SetAsync(name, config, actor, cancellationToken);
            if (!saved.Succeeded)
            {
                return IniImport.Refused(saved);
            }
        }

        var message = $"Configured {parsed.Count} channel(s): {string.Join("; ", parsed.Select(p => $"{p.Channel} ({Describe(p.Config)})"))}"
            + (created.Count == 0 ? "." : $". Created {string.Join(", ", created)}.");
        return new IniImport(OperationResult.Ok(message), [.. parsed.Select(p => p.Channel)], created);
    }

    /// <summary>A one-line reason why <paramref name="config"/> cannot be used for <paramref name="channel"/>, or null.</summary>
    /// <param name="db">The database, to check that delta-base channels exist.</param>
    /// <param name="channel">The channel the configuration is for.</param>
    /// <param name="config">The configuration.</param>
    /// <param name="cancellationToken">Stops the checks.</param>
    /// <param name="comingChannels">Channels about to be created, which count as existing delta bases.</param>
    public async Task<string?> ValidateAsync(
        SystemImageDbContext db, Channel channel, ImporterConfig config, CancellationToken cancellationToken, IReadOnlySet<string>? comingChannels = null)
    {
        if (config.Type == ChannelType.Auto && (channel.AliasTarget ?? channel.RedirectTarget) is { } target)
        {
            return $"an {(channel.AliasTarget is null ? "redirect" : "alias")} of '{target}' cannot import images";
        }

        if (config.VersionBase is < 0 or > ImageService.MaxVersion)
        {
            return $"versionBase {config.VersionBase} is out of range (0–{ImageService.MaxVersion})";
        }

        if (config.FullCount < 0)
        {
            return $"fullCount {config.FullCount} is negative (0 keeps every full image)";
        }

        foreach (var deltaBase in config.DeltaBases.Where(b => b != channel.Name))
        {
            if (comingChannels?.Contains(deltaBase) != true && !await db.Channels.AnyAsync(c => c.Name == deltaBase, cancellationToken))
            {
                return $"delta base '{deltaBase}' is not a channel";
            }
        }

        if (config.Schedule is { } schedule && CronSchedule.Validate(schedule) is { } cronError)
        {
            return cronError;
        }

        if (config.Type == ChannelType.Auto && !config.Files.Any(f => f.Device is null))
        {
            return "an automatic channel needs at least one file";
        }

        return ValidateFiles(config.Files);
    }

    private string? ValidateFiles(IReadOnlyList<ImportFile> files)
    {
        var seen = new HashSet<(string, string?)>();
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var label = file.Device is null ? $"file '{file.Name}'" : $"file '{file.Name}' for device '{file.Device}'";
            if (Names.ValidatePart(file.Name) is { } nameError)
            {
                return nameError;
            }

            if (file.Device is { } device && Names.ValidateDevice(device) is { } deviceError)
            {
                return deviceError;
            }

            if (!seen.Add((file.Name, file.Device)))
            {
                return $"{label} is given more than once";
            }

            if (generators.Find(file.Generator) is not { } generator)
            {
                return $"{label}: unknown generator '{file.Generator}' (known: {string.Join(", ", generators.Names)})";
            }

            if (generator.Validate(file) is { } error)
            {
                return $"{label}: {error}";
            }

            if (file.Generator == VersionGenerator.GeneratorName && files.Skip(i + 1).Any(f => f.Device is null || f.Device == file.Device))
            {
                return $"{label}: the version file must come last";
            }
        }

        return null;
    }

    internal static void Apply(Channel channel, ImporterConfig config)
    {
        channel.Type = config.Type;
        channel.VersionBase = config.VersionBase;
        channel.FullCount = config.FullCount;
        channel.DeltaBases = [.. config.DeltaBases];
        channel.ImportFiles = [.. config.Files];
        channel.ImportSchedule = string.IsNullOrWhiteSpace(config.Schedule) ? null : config.Schedule.Trim();
        channel.ImportPaused = config.Paused;
    }

    /// <summary>Every stored setting, whatever the type, to tell a save that changes nothing.</summary>
    private static string Settings(ImporterConfig config) =>
        $"{config.Type} {DescribeFully(config with { Type = ChannelType.Auto })}";

    /// <summary>Every setting, for the audit log's before/after.</summary>
    private static string DescribeFully(ImporterConfig config) =>
        config.Type != ChannelType.Auto
            ? "manual"
            : $"auto, versionBase {config.VersionBase}, fullCount {config.FullCount}, deltaBase [{string.Join(", ", config.DeltaBases)}], "
              + $"files [{string.Join("; ", config.Files.Select(f => $"{f.Name}{(f.Device is null ? "" : $"@{f.Device}")}={f.ToIniValue()}"))}]"
              + $", schedule {config.Schedule ?? "none"}{(config.Paused ? ", paused" : "")}";

    private static string Describe(ImporterConfig config) =>
        $"{config.Type.ToString().ToLowerInvariant()}, {config.Files.Count} files, fullCount {config.FullCount}"
        + (config.Schedule is null ? "" : $", schedule '{config.Schedule}'")
        + (config.Paused ? ", paused" : "");
}
