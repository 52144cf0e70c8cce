using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Audit;
using SystemImage.Core.Configuration;
using SystemImage.Core.Images;
using SystemImage.Core.Images.Deltas;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Maintenance;

/// <summary>check-tree, cleanup-tree and re-sign (SPEC §4): the tree against the database that it projects.</summary>
public sealed partial class TreeMaintenance(
    IDbContextFactory<SystemImageDbContext> dbFactory,
    PublishLock publishLock,
    TreePublisher publisher,
    OpenPgpSigner signer,
    KeyStore keys,
    TarManifestStore manifests,
    AuditLog audit,
    IOptions<SystemImageOptions> options,
    ILogger<TreeMaintenance> logger)
{
    private string Root => options.Value.PublishRootFullPath;

    public async Task<TreeCheck> CheckAsync(CancellationToken cancellationToken)
    {
        await using var held = await publishLock.AcquireAsync(cancellationToken);
        return await CheckUnlockedAsync(cancellationToken);
    }

    /// <summary>Removes orphaned files: those neither the database nor any published index references.</summary>
    public async Task<IReadOnlyList<string>> CleanupAsync(Actor actor, CancellationToken cancellationToken)
    {
        await using var held = await publishLock.AcquireAsync(cancellationToken);
        return await CleanupLockedAsync(actor, cancellationToken);
    }

    /// <summary><see cref="CleanupAsync"/> for a caller that already holds the publish lock (the importer).</summary>
    internal async Task<IReadOnlyList<string>> CleanupLockedAsync(Actor actor, CancellationToken cancellationToken)
    {
        var check = await CheckUnlockedAsync(cancellationToken);
        var stillPublished = PublishedReferences();
        var removed = check.Orphaned.Where(p => !stillPublished.Contains(p)).ToList();
        foreach (var path in removed)
        {
            File.Delete(TreePath.Resolve(Root, path));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.PoolFiles.RemoveRange(await db.PoolFiles.Where(p => removed.Contains(p.Path)).ToListAsync(cancellationToken));
        if (removed.Count > 0)
        {
            audit.Record(db, actor, "cleanup-tree", "tree", null,
                new AuditChange($"{removed.Count} orphaned file(s): {string.Join(", ", removed)}", "0 orphaned files"));
        }

        await db.SaveChangesAsync(cancellationToken);
        manifests.Prune((await db.PoolFiles.Select(p => p.Checksum).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal));
        LogCleanedUp(logger, removed.Count);
        return removed;
    }

    /// <summary>Re-signs every index, keyring and current file, e.g. after the image-signing key was rotated.</summary>
    public async Task<OperationResult> ResignAsync(Actor actor, CancellationToken cancellationToken)
    {
        await using var held = await publishLock.AcquireAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var files = (await ReferencedAsync(db, cancellationToken)).Where(p => !p.EndsWith(".asc", StringComparison.Ordinal)).ToList();
        var signed = 0;
        using (var batch = new TreeBatch(Root))
        {
            foreach (var path in files.Where(p => File.Exists(TreePath.Resolve(Root, p))))
            {
                await using var data = File.OpenRead(TreePath.Resolve(Root, path));
                using var armored = new MemoryStream();
                signer.SignDetached(data, armored, KeyNames.ImageSigning);
                batch.Stage(TreeLayout.Signature(path), armored.ToArray());
                signed++;
            }

            batch.Commit();
        }

        var report = await publisher.PublishAsync(PublishRequest.All with { ForceSign = true }, cancellationToken);
        var fingerprint = keys.Describe(KeyNames.ImageSigning).Fingerprint;
        audit.Record(db, actor, "re-sign", "tree", null,
            new AuditChange($"{signed + report.Written} signature(s)", $"{signed} file and {report.Written} index/keyring signature(s) made anew by image-signing {fingerprint}"));
        await db.SaveChangesAsync(cancellationToken);
        return OperationResult.Ok($"Re-signed {signed} files and {report.Written} indexes, keyrings and channels.json.");
    }

    private async Task<TreeCheck> CheckUnlockedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var expected = (await ExpectedAsync(db, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var present = Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Select(f => TreePath.ToTreePath(Root, f))
            .ToHashSet(StringComparer.Ordinal);
        return new TreeCheck(
            [.. expected.Where(p => !present.Contains(p)).Order(StringComparer.Ordinal)],
            [.. present.Where(p => !expected.Contains(p)).Order(StringComparer.Ordinal)]);
    }

    /// <summary>Every file the tree should hold: image files with signatures and sidecars, indexes, keyrings, channels.json.</summary>
    private static async Task<IEnumerable<string>> ExpectedAsync(SystemImageDbContext db, CancellationToken cancellationToken)
    {
        var referenced = await ReferencedAsync(db, cancellationToken);
        var devices = await db.Devices.Where(d => d.RedirectTarget == null && d.Channel.RedirectTarget == null)
            .Select(d => new { Channel = d.Channel.Name, d.Name, d.HasKeyring }).ToListAsync(cancellationToken);
        var fixedFiles = new List<string> { TreeLayout.ChannelsJson };
        fixedFiles.AddRange(KeyringPublisher.Published.Select(TreeLayout.Keyring));
        foreach (var device in devices)
        {
            fixedFiles.Add(TreeLayout.Index(device.Channel, device.Name));
            if (device.HasKeyring)
            {
                fixedFiles.Add(TreeLayout.DeviceKeyring(device.Channel, device.Name));
            }
        }

        return referenced.Concat(fixedFiles).Concat(fixedFiles.Select(TreeLayout.Signature));
    }

    /// <summary>Image files referenced by the database, with their signatures, sidecars and sidecar signatures.</summary>
    private static async Task<List<string>> ReferencedAsync(SystemImageDbContext db, CancellationToken cancellationToken)
    {
        var paths = await db.ImageFiles.Select(f => f.Path).Distinct().ToListAsync(cancellationToken);
        return [.. paths.SelectMany(p => new[] { p, TreeLayout.Signature(p), PoolWriter.SidecarOf(p), TreeLayout.Signature(PoolWriter.SidecarOf(p)) })];
    }

    /// <summary>Files that some index.json on disk still references (it may not have been republished yet).</summary>
    private HashSet<string> PublishedReferences()
    {
        var references = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in Directory.EnumerateFiles(Root, "index.json", SearchOption.AllDirectories))
        {
            try
            {
                foreach (var file in JsonNode.Parse(File.ReadAllBytes(index))?["images"]?.AsArray().SelectMany(i => i!["files"]!.AsArray()) ?? [])
                {
                    var path = file!["path"]!.GetValue<string>();
                    references.UnionWith([path, TreeLayout.Signature(path), PoolWriter.SidecarOf(path), TreeLayout.Signature(PoolWriter.SidecarOf(path))]);
                }
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
            {
                LogUnreadableIndex(logger, index, e.Message);
            }
        }

        return references;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cleanup removed {Count} orphaned files")]
    private static partial void LogCleanedUp(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read {Index} while looking for references: {Reason}")]
    private static partial void LogUnreadableIndex(ILogger logger, string index, string reason);
}
