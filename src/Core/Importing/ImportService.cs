using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Configuration;
using SystemImage.Core.Diagnostics;
using SystemImage.Core.Generators;
using SystemImage.Core.Images;
using SystemImage.Core.Images.Deltas;
using SystemImage.Core.Images.Parts;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Importing;

/// <summary>
/// The import of one automatic channel, exactly as SPEC §5 describes it: per device, generate each file in order,
/// publish a full image and its deltas when at least one file is new, and nothing otherwise; then expire, re-sync
/// aliases, remove orphans and run the mirror sync. The whole import holds the publish lock, so it never overlaps
/// another import or any other change to the tree.
/// </summary>
public sealed partial class ImportService(
    IDbContextFactory<SystemImageDbContext> dbFactory,
    TreeLock treeLock,
    PendingPublishes pending,
    ImageComposer composer,
    ImageExpiry expiry,
    AliasSync aliasSync,
    TreeMaintenance maintenance,
    MirrorSync mirrorSync,
    GeneratorRegistry generators,
    PartPreparer preparer,
    PoolWriter pool,
    TarManifestStore manifests,
    AuditLog audit,
    IOptions<SystemImageOptions> options,
    TimeProvider time,
    SystemImageMetrics metrics,
    ILogger<ImportService> logger)
{
    /// <summary>Imports <paramref name="channel"/> once. Refusals (unknown, manual or paused channel) come back as a failed result.</summary>
    public Task<ImportOutcome> ImportAsync(string channel, Actor actor, IImportReporter reporter, CancellationToken cancellationToken) =>
        metrics.MeasureImportAsync(channel, () => ImportMeasuredAsync(channel, actor, reporter, cancellationToken));

    private async Task<ImportOutcome> ImportMeasuredAsync(string channel, Actor actor, IImportReporter reporter, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var held = await treeLock.AcquireAsync(cancellationToken);
        if (clock.Elapsed > TimeSpan.FromSeconds(0.5))
        {
            reporter.Log($"Waited {clock.Elapsed.TotalSeconds:F1} s for another import or change to the tree to finish");
        }

        List<string> devices;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var found = await db.Channels.AsNoTracking().Include(c => c.Devices).FirstOrDefaultAsync(c => c.Name == channel, cancellationToken);
            if (Refusal(found, channel) is { } refusal)
            {
                reporter.Log(refusal.Message);
                return new ImportOutcome(refusal, [], clock.Elapsed);
            }

            devices = [.. found!.Devices.Where(d => d.RedirectTarget is null).Select(d => d.Name).Order(StringComparer.Ordinal)];
        }

        reporter.Log($"Importing {channel}: {devices.Count} device(s)");
        var results = new List<DeviceImport>();
        var committed = new List<(PendingPublish Pending, StagedFiles Staged)>();
        try
        {
            using (var session = new ImportSession(WorkArea.Create(options.Value.StateDir, "import"), reporter, preparer, pool, manifests, time))
            {
                foreach (var device in devices)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var result = await ImportDeviceAsync(held, channel, device, session, actor, committed, cancellationToken);
                    reporter.Log($"{device}: {result.Message}");
                    results.Add(result);
                }
            }
        }
        catch (OperationCanceledException) when (committed.Count > 0)
        {
            // A cancel keeps the devices committed before it: they are published whole, with their aliases. An image
            // being prepared when it came was staged outside the tree, so nothing of it is left behind.
            await FinishAsync(held, channel, [.. results.Where(r => r.Version is not null)], committed, actor, reporter, CancellationToken.None);
            throw;
        }
        catch (Exception e) when (committed.Count > 0 && e is not PublishLockLostException)
        {
            // Devices committed before the failure are published now rather than at the next change (unless the lock
            // is lost: then the next holder publishes them).
            await pending.CompleteAsync(CancellationToken.None);
            throw;
        }

        var published = results.Where(r => r.Version is not null).ToList();
        if (published.Count > 0 && !TreeMutator.CrashingAfterCommit)
        {
            await FinishAsync(held, channel, published, committed, actor, reporter, cancellationToken);
        }

        var summary = published.Count == 0
            ? $"Nothing new for {channel}."
            : $"Imported {channel}: {string.Join(", ", published.Select(r => $"{r.Device} version {r.Version}"))}.";
        reporter.Log($"{summary} ({clock.Elapsed.TotalSeconds:F1} s)");
        LogImported(logger, channel, published.Count, results.Count, clock.Elapsed.TotalSeconds);
        return new ImportOutcome(OperationResult.Ok(summary), results, clock.Elapsed);
    }

    /// <summary>Why <paramref name="channel"/> cannot be imported now (unknown, manual, alias, redirect, paused), or null.</summary>
    public async Task<OperationResult?> CheckAsync(string channel, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return Refusal(await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Name == channel, cancellationToken), channel);
    }

    private static OperationResult? Refusal(Channel? channel, string name) => channel switch
    {
        null => OperationResult.NotFound($"Channel '{name}' does not exist."),
        { Type: not ChannelType.Auto } => OperationResult.Conflict($"Channel '{name}' is not an automatic channel; configure its importer first."),
        { AliasTarget: { } target } => OperationResult.Conflict($"Channel '{name}' is an alias of '{target}'; import the target."),
        { RedirectTarget: { } target } => OperationResult.Conflict($"Channel '{name}' is a redirect to '{target}'; it has no images of its own."),
        { ImportPaused: true } => OperationResult.Conflict($"Imports of channel '{name}' are paused; resume them first."),
        _ => null,
    };

    /// <summary>
    /// Steps 1–5 for one device. Generating, staging and making deltas only read the database (the publish lock keeps
    /// other tree writers out, and the run's progress, tokens and sign-ins must stay writable meanwhile); the image is
    /// then committed in one short transaction, whole or not at all, and its files put in the tree. The tree is
    /// published once for the whole import (<see cref="FinishAsync"/>); until then each device's commit carries a
    /// pending-publish marker, so a crash in between is published by whoever takes the lock next.
    /// </summary>
    private async Task<DeviceImport> ImportDeviceAsync(
        PublishLock.Hold held, string channelName, string deviceName, ImportSession session, Actor actor, List<(PendingPublish, StagedFiles)> committed, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (channel, device, refusal) = await ImageTargets.LoadWritableAsync(db, channelName, deviceName, cancellationToken);
        if (device is null)
        {
            return DeviceImport.Skipped(deviceName, refusal!.Message);
        }

        var latest = device.Images.Where(i => i.Type == ImageType.Full).MaxBy(i => i.Version);
        var bases = await DeltaBases.LatestFullImagesAsync(db, channel!, device, cancellationToken);
        var version = latest is null ? channel!.VersionBase : latest.Version + 1;
        if (version > ImageService.MaxVersion)
        {
            return DeviceImport.Skipped(deviceName, $"version {version} would be out of range (0–{ImageService.MaxVersion})");
        }

        var files = ImporterConfig.FilesFor(channel!.ImportFiles, deviceName);
        var generated = new List<PoolFile>();
        var partNames = new List<string>();
        var withVersion = false;
        foreach (var file in files)
        {
            if (file.Generator == VersionGenerator.GeneratorName)
            {
                withVersion = true;
                continue;
            }

            session.Current = (deviceName, file.Name);
            session.Reporter.Progress(deviceName, file.Name, 0, null);
            var context = new GeneratorContext
            {
                Channel = channelName,
                Device = deviceName,
                Version = version,
                File = file,
                LatestFull = latest,
                Generated = generated,
                Session = session,
                Db = db,
            };
            var generator = generators.Find(file.Generator);
            PoolFile? result;
            try
            {
                result = await (generator ?? throw new GeneratorException($"unknown generator '{file.Generator}'")).GenerateAsync(context, cancellationToken);
            }
            catch (GeneratorException e)
            {
                return DeviceImport.Skipped(deviceName, $"cancelled: file '{file.Name}' ({file.Generator}) failed: {e.Message}");
            }

            if (result is null && generator.OnlyWhenAnotherFileIsNew && !context.AnyNew)
            {
                return DeviceImport.Skipped(deviceName, latest is null ? "nothing to publish" : $"nothing new since version {latest.Version}");
            }

            if (result is null)
            {
                return DeviceImport.Skipped(deviceName, $"cancelled: file '{file.Name}' ({file.Generator}) gave nothing");
            }

            generated.Add(result);
            partNames.Add(file.Name);
        }

        session.Reporter.Progress(deviceName, null, 0, null);
        if (generated.Count == 0 || !generated.Any(f => latest is null || latest.Files.All(x => x.Path != f.Path)))
        {
            return DeviceImport.Skipped(deviceName, latest is null ? "nothing to publish" : $"nothing new since version {latest.Version}");
        }

        var directory = TreeLayout.DeviceDirectory(channelName, deviceName);
        if (TreeObstacle.InDirectory(options.Value.PublishRootFullPath, directory) is { } obstacle)
        {
            return DeviceImport.Skipped(deviceName, $"cancelled: {TreeObstacle.ExplainDirectory(directory, obstacle)}");
        }

        var detail = VersionDetail.Join(generated.Select(f => f.VersionDetail), null, version);
        var staged = StagedFiles.Create(options.Value.StateDir, options.Value.PublishRootFullPath);
        try
        {
            db.Staged = staged;
            session.Commit(db, generated);
            var content = new ImageContent(generated, detail, detail) { WithVersionTarball = withVersion, PartNames = partNames };
            var before = ImageAudit.Versions(device);
            await composer.ComposeAsync(db, channel, device, version, content, bases, cancellationToken);
            expiry.Expire(db, channel, device);
            audit.Record(db, actor, "import-image", $"{channelName}/{deviceName}", channelName, ImageAudit.Published(before, device, version, detail));
            var marker = pending.Record(db, staged, PublishRequest.ForDevices([new DeviceRef(channelName, deviceName)]));
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                await db.SaveChangesAsync(cancellationToken);
                await held.EnsureHeldAsync(cancellationToken);
                await transaction.CommitAsync(CancellationToken.None);
            }

            committed.Add((marker, staged));
            staged.Apply();
        }
        catch
        {
            if (!committed.Any(c => ReferenceEquals(c.Item2, staged)))
            {
                staged.Dispose();
            }

            throw;
        }

        var deltas = bases.Where(b => b.Version < version).Select(b => b.Version).ToList();
        return new DeviceImport(deviceName, version, deltas,
            $"published version {version} ({detail}){(deltas.Count == 0 ? "" : $" with deltas from {string.Join(", ", deltas)}")}");
    }

    /// <summary>
    /// Step 6: aliases, the tree, orphans, mirrors. The images are already committed: the aliases' change is committed
    /// with a marker of its own, then the tree is published for every device and the markers are removed.
    /// </summary>
    private async Task FinishAsync(
        PublishLock.Hold held, string channelName, List<DeviceImport> published, List<(PendingPublish Pending, StagedFiles Staged)> committed, Actor actor, IImportReporter reporter, CancellationToken cancellationToken)
    {
        var publish = PublishRequest.ForDevices(published.Select(r => new DeviceRef(channelName, r.Device)));
        PublishReport report;
        using (var staged = StagedFiles.Create(options.Value.StateDir, options.Value.PublishRootFullPath))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.Staged = staged;
            var channel = await db.Channels.FirstAsync(c => c.Name == channelName, cancellationToken);
            publish = publish.Merge(await aliasSync.SyncAliasesOfAsync(db, channel, cancellationToken));
            var marker = pending.Record(db, staged, publish);
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                await db.SaveChangesAsync(cancellationToken);
                await held.EnsureHeldAsync(cancellationToken);
                await transaction.CommitAsync(CancellationToken.None);
            }

            await held.EnsureHeldAsync(CancellationToken.None);
            report = await pending.FinishAsync([.. committed, (marker, staged)], publish);
        }

        reporter.Log($"Published the tree: {report.Written} file(s) written");
        var removed = await maintenance.CleanupLockedAsync(actor, CancellationToken.None);
        if (removed.Count > 0)
        {
            reporter.Log($"Removed {removed.Count} orphaned file(s)");
        }

        if (await mirrorSync.RunAsync(everything: false, CancellationToken.None) is { } mirror)
        {
            reporter.Log(mirror);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import of {Channel}: {Published} of {Devices} device(s) published in {Seconds:F1} s")]
    private static partial void LogImported(ILogger logger, string channel, int published, int devices, double seconds);
}
