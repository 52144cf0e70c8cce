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
    TreeLock treeLock,
    TreePublisher publisher,
    OpenPgpSigner signer,
    TreeSignatures signatures,
    KeyStore keys,
    TarManifestStore manifests,
    AuditLog audit,
    MirrorSync mirrorSync,
    IOptions<SystemImageOptions> options,
    ILogger<TreeMaintenance> logger)
{
    // A temporary younger than this may belong to a write in progress, in this process or another.
    private static readonly TimeSpan TemporaryAge = TimeSpan.FromHours(1);

    private string Root => options.Value.PublishRootFullPath;

    public Task<TreeCheck> CheckAsync(CancellationToken cancellationToken) => CheckAsync(verifySignatures: false, cancellationToken);

    /// <summary>
    /// Missing, orphaned and foreign files; with <paramref name="verifySignatures"/> also every signature that does not
    /// verify. Signatures are checked without holding the publish lock (pool files can be gigabytes), and those that fail
    /// are checked again under it, so a publish that was renaming a file and its signature is not reported.
    /// </summary>
    public async Task<TreeCheck> CheckAsync(bool verifySignatures, CancellationToken cancellationToken)
    {
        TreeState state;
        await using (await publishLock.AcquireAsync(cancellationToken))
        {
            state = await StateLockedAsync(cancellationToken);
        }

        if (!verifySignatures)
        {
            return state.Check;
        }

        var suspects = await signatures.FindBadAsync(state.Signed, cancellationToken);
        if (suspects.Count == 0)
        {
            return state.Check with { BadSignatures = [] };
        }

        await using (await publishLock.AcquireAsync(cancellationToken))
        {
            return state.Check with { BadSignatures = await signatures.FindBadAsync(suspects.Select(b => SignedFileOf(b.Path)), cancellationToken) };
        }
    }

    /// <summary>Removes orphaned files (those neither the database nor any published index references) and leaves foreign ones.</summary>
    public async Task<CleanupResult> CleanupAsync(Actor actor, CancellationToken cancellationToken)
    {
        await using var held = await treeLock.AcquireAsync(cancellationToken);
        return await CleanupTreeLockedAsync(actor, cancellationToken);
    }

    /// <summary><see cref="CleanupAsync"/> for a caller that already holds the publish lock (the importer): the files removed.</summary>
    internal async Task<IReadOnlyList<string>> CleanupLockedAsync(Actor actor, CancellationToken cancellationToken) =>
        (await CleanupTreeLockedAsync(actor, cancellationToken)).Removed;

    /// <summary>
    /// Signs again every file of the server's whose signature is missing or does not verify over it (start-up repair,
    /// after a crash between renaming a file and its signature). Files recorded as verified in the state they are in
    /// are not read again (<see cref="VerifiedSignatures"/>). The caller holds the publish lock.
    /// </summary>
    public async Task<IReadOnlyList<BadSignature>> ResignBadLockedAsync(CancellationToken cancellationToken)
    {
        var state = await StateLockedAsync(cancellationToken);
        var verified = new VerifiedSignatures(options.Value.StateDir, Root);
        var bad = await signatures.FindBadAsync(verified.Unverified(state.Present), cancellationToken);
        if (bad.Count == 0)
        {
            verified.Record(state.Present);
            return bad;
        }

        using (var batch = new TreeBatch(Root))
        {
            foreach (var signature in bad)
            {
                var path = SignedFileOf(signature.Path);
                await StageSignatureAsync(batch, path, TreeLayout.SignerOf(path), cancellationToken);
            }

            batch.Commit();
        }

        foreach (var signature in bad)
        {
            LogResigned(logger, signature.Path, signature.Reason);
        }

        verified.Record(state.Present);
        return bad;
    }

    private async Task<CleanupResult> CleanupTreeLockedAsync(Actor actor, CancellationToken cancellationToken)
    {
        var check = (await StateLockedAsync(cancellationToken)).Check;
        var stillPublished = PublishedReferences();
        var removed = check.Orphaned.Where(p => !stillPublished.Contains(p)).ToList();
        foreach (var path in removed)
        {
            File.Delete(TreePath.Resolve(Root, path));
        }

        if (removed.Count > 0)
        {
            mirrorSync.Request();
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
        LogCleanedUp(logger, removed.Count, check.Foreign.Count);
        return new CleanupResult(removed, check.Foreign);
    }

    /// <summary>Re-signs every index, keyring and current file, e.g. after the image-signing key was rotated.</summary>
    public async Task<OperationResult> ResignAsync(Actor actor, CancellationToken cancellationToken)
    {
        await using var held = await treeLock.AcquireAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var files = (await ReferencedAsync(db, cancellationToken)).Where(p => !p.EndsWith(".asc", StringComparison.Ordinal)).ToList();
        var signed = 0;
        using (var batch = new TreeBatch(Root))
        {
            foreach (var path in files.Where(p => File.Exists(TreePath.Resolve(Root, p))))
            {
                await StageSignatureAsync(batch, path, KeyNames.ImageSigning, cancellationToken);
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

    /// <summary>Signs the tree file <paramref name="path"/> with <paramref name="key"/> and stages its <c>.asc</c> in <paramref name="batch"/>.</summary>
    private async Task StageSignatureAsync(TreeBatch batch, string path, string key, CancellationToken cancellationToken)
    {
        await using var data = new FileStream(TreePath.Resolve(Root, path), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var armored = new MemoryStream();
        await signer.SignDetachedAsync(data, armored, key, cancellationToken);
        batch.Stage(TreeLayout.Signature(path), armored.ToArray());
    }

    /// <summary>The tree against the database; the caller holds the publish lock.</summary>
    private async Task<TreeState> StateLockedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var expected = (await ExpectedAsync(db, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var scan = TreeScan.Of(Root, expected, DateTime.UtcNow - TemporaryAge);
        var present = scan.Files.ToHashSet(StringComparer.Ordinal);
        var signedFiles = expected.Where(p => !p.EndsWith(".asc", StringComparison.Ordinal) && present.Contains(p)).Order(StringComparer.Ordinal).ToList();
        var check = new TreeCheck(
            [.. expected.Where(p => !present.Contains(p)).Order(StringComparer.Ordinal)],
            [.. scan.Files.Where(p => !expected.Contains(p)).Concat(scan.Temporaries).Order(StringComparer.Ordinal)],
            scan.Foreign,
            Behind: await db.PendingPublishes.CountAsync(cancellationToken));
        return new TreeState(check, signedFiles, [.. signedFiles.Where(p => present.Contains(TreeLayout.Signature(p)))]);
    }

    private static string SignedFileOf(string signature) => signature[..^".asc".Length];

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Cleanup removed {Count} orphaned files and left {Foreign} foreign files or directories")]
    private static partial void LogCleanedUp(ILogger logger, int count, int foreign);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signed {Signature} again: {Reason}")]
    private static partial void LogResigned(ILogger logger, string signature, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read {Index} while looking for references: {Reason}")]
    private static partial void LogUnreadableIndex(ILogger logger, string index, string reason);

    /// <param name="Check">What check-tree reports (signatures not checked).</param>
    /// <param name="Present">The server's signed files that are in the tree.</param>
    /// <param name="Signed">Those of them whose signature is in the tree too.</param>
    private sealed record TreeState(TreeCheck Check, IReadOnlyList<string> Present, IReadOnlyList<string> Signed);
}
