using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Channels;
using SystemImage.Core.Configuration;
using SystemImage.Core.Diagnostics;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Signing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Publishing;

/// <summary>
/// Projects the database onto the publish root: keyrings, every index.json and channels.json, each with its
/// detached signature. Only files whose content changed are rewritten, in the order SPEC §6 requires
/// (keyrings, then indexes, then channels.json, and removals last). Callers hold <see cref="PublishLock"/>.
/// </summary>
public sealed partial class TreePublisher(
    IDbContextFactory<SystemImageDbContext> dbFactory,
    IOptions<SystemImageOptions> options,
    OpenPgpSigner signer,
    TreeSignatures signatures,
    KeyringPublisher keyrings,
    TimeProvider time,
    SystemImageMetrics metrics,
    Adoption.DownloadTargets downloadTargets,
    MirrorSync mirrorSync,
    ILogger<TreePublisher> logger)
{
    private string Root => options.Value.PublishRootFullPath;

    public async Task<PublishReport> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        Directory.CreateDirectory(Root);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var channels = await db.Channels.AsNoTracking().Include(c => c.Devices).OrderBy(c => c.Name).ToListAsync(cancellationToken);
        var expectedDirectories = DeviceDirectories(channels);
        var problems = PublishableTree.PruneNames(channels);
        var devices = SelectDevices(channels, request);
        problems.AddRange(PublishableTree.PruneBlocked(devices, Root));
        foreach (var problem in problems)
        {
            LogNotPublished(logger, problem);
        }

        var images = await LoadImagesAsync(db, devices, cancellationToken);

        var generatedAt = GeneratedAt.Format(time.GetUtcNow());
        var written = 0;
        var unchanged = 0;
        using var batch = new TreeBatch(Root);

        var revoked = await db.RevokedKeys.AsNoTracking().ToListAsync(cancellationToken);
        var keyringsWritten = keyrings.Stage(batch, revoked, request.Everything || request.Keyrings, request.ForceSign);
        written += keyringsWritten;

        var results = new int[devices.Count];
        Parallel.For(0, devices.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var (channel, device) = devices[i];
            var changed = 0;
            if (device.HasKeyring)
            {
                changed += keyrings.StageDeviceKeyring(batch, channel.Name, device, request.ForceSign);
            }

            var deviceImages = images.TryGetValue(device.Id, out var list) ? list : [];
            changed += StageIndex(batch, TreeLayout.Index(channel.Name, device.Name), deviceImages, generatedAt, request.ForceSign) ? 1 : 0;
            results[i] = changed;
        });
        written += results.Sum();
        unchanged += results.Count(r => r == 0);

        var channelsJson = ChannelsRenderer.Render(channels);
        if (StageIfChanged(batch, TreeLayout.ChannelsJson, channelsJson, request.ForceSign))
        {
            written++;
        }
        else
        {
            unchanged++;
        }

        batch.Commit();

        var removed = RemoveDirectories(request, expectedDirectories);
        LogPublished(logger, written, unchanged, removed.Count, stopwatch.ElapsedMilliseconds);
        metrics.RecordPublish(written, stopwatch.Elapsed);
        downloadTargets.Invalidate();
        mirrorSync.Request();
        return new PublishReport(written, unchanged, removed, stopwatch.Elapsed);
    }

    private static List<(Channel Channel, Device Device)> SelectDevices(List<Channel> channels, PublishRequest request)
    {
        var wanted = request.Devices.ToHashSet();
        return
        [
            .. from channel in channels
               where channel.RedirectTarget is null
               from device in channel.Devices
               where device.RedirectTarget is null
               where request.Everything || wanted.Contains(new DeviceRef(channel.Name, device.Name))
               select (channel, device),
        ];
    }

    private static async Task<Dictionary<int, List<Image>>> LoadImagesAsync(
        SystemImageDbContext db, List<(Channel Channel, Device Device)> devices, CancellationToken cancellationToken)
    {
        if (devices.Count == 0)
        {
            return [];
        }

        var query = db.Images.AsNoTracking().Include(i => i.Files).AsSplitQuery();
        if (devices.Count < 500)
        {
            var ids = devices.Select(d => d.Device.Id).ToList();
            query = query.Where(i => ids.Contains(i.DeviceId));
        }

        var all = await query.ToListAsync(cancellationToken);
        return all.GroupBy(i => i.DeviceId).ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>
    /// Writes index.json only when its content (ignoring generated_at) changed, so an unchanged index keeps its bytes; an
    /// unchanged index whose signature does not verify over it is signed again.
    /// </summary>
    private bool StageIndex(TreeBatch batch, string path, List<Image> images, string generatedAt, bool forceSign)
    {
        var full = TreePath.Resolve(Root, path);
        if (File.Exists(full))
        {
            var existing = File.ReadAllBytes(full);
            var previousStamp = ReadGeneratedAt(existing);
            if (previousStamp is not null && IndexRenderer.Render(images, previousStamp).AsSpan().SequenceEqual(existing))
            {
                if (!forceSign && signatures.Verifies(path, existing))
                {
                    return false;
                }

                batch.Stage(TreeLayout.Signature(path), signer.SignDetached(existing, KeyNames.ImageSigning));
                return true;
            }
        }

        var content = IndexRenderer.Render(images, generatedAt);
        batch.Stage(path, content);
        batch.Stage(TreeLayout.Signature(path), signer.SignDetached(content, KeyNames.ImageSigning));
        return true;
    }

    private bool StageIfChanged(TreeBatch batch, string path, byte[] content, bool forceSign)
    {
        var full = TreePath.Resolve(Root, path);
        var same = File.Exists(full) && File.ReadAllBytes(full).AsSpan().SequenceEqual(content);
        if (same && !forceSign && signatures.Verifies(path, content))
        {
            return false;
        }

        if (!same)
        {
            batch.Stage(path, content);
        }

        batch.Stage(TreeLayout.Signature(path), signer.SignDetached(content, KeyNames.ImageSigning));
        return true;
    }

    private static string? ReadGeneratedAt(byte[] json)
    {
        try
        {
            return JsonNode.Parse(json)?["global"]?["generated_at"]?.GetValue<string>();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The device directories of every channel in the database, those it cannot publish included: their directories are
    /// kept until the rows are renamed or removed.
    /// </summary>
    private static HashSet<string> DeviceDirectories(List<Channel> channels) =>
        channels
            .Where(c => c.RedirectTarget is null)
            .SelectMany(c => c.Devices.Where(d => d.RedirectTarget is null).Select(d => TreeLayout.DeviceDirectory(c.Name, d.Name)))
            .ToHashSet(StringComparer.Ordinal);

    private List<string> RemoveDirectories(PublishRequest request, HashSet<string> expected)
    {
        var candidates = new List<string>(request.RemoveDirectories);
        if (request.Everything)
        {
            candidates.AddRange(FindStaleDeviceDirectories(expected));
        }

        var removed = new List<string>();
        foreach (var directory in candidates.Distinct())
        {
            // Only a channel's or a device's directory is ever removed: never gpg/, pool/ or anything a bad name points at.
            if (Names.ValidateChannel(directory.TrimStart('/')) is { } invalid)
            {
                LogNotRemoved(logger, directory, invalid);
                continue;
            }

            var full = TreePath.Resolve(Root, directory);
            if (expected.Contains(directory) || !Directory.Exists(full))
            {
                continue;
            }

            DeleteKeepingLiveDevices(full, expected);
            PruneEmptyParents(full);
            removed.Add(directory);
        }

        return removed;
    }

    /// <summary>Deletes a directory tree except subdirectories that still belong to a live device (a nested channel).</summary>
    private void DeleteKeepingLiveDevices(string full, HashSet<string> expected)
    {
        foreach (var file in Directory.EnumerateFiles(full))
        {
            File.Delete(file);
        }

        foreach (var sub in Directory.EnumerateDirectories(full))
        {
            var treePath = TreePath.ToTreePath(Root, sub);
            if (expected.Any(e => e == treePath || e.StartsWith(treePath + "/", StringComparison.Ordinal)))
            {
                continue;
            }

            DeleteKeepingLiveDevices(sub, expected);
        }

        if (!Directory.EnumerateFileSystemEntries(full).Any())
        {
            Directory.Delete(full);
        }
    }

    /// <summary>Removes directories left empty above a removed one (e.g. <c>ubuntu-touch/</c> after its last channel).</summary>
    private void PruneEmptyParents(string full)
    {
        var parent = Path.GetDirectoryName(full)!;
        while (parent.Length > Root.Length && Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
        {
            Directory.Delete(parent);
            parent = Path.GetDirectoryName(parent)!;
        }
    }

    private IEnumerable<string> FindStaleDeviceDirectories(HashSet<string> expected)
    {
        var gpg = TreePath.Resolve(Root, TreeLayout.GpgDirectory);
        var pool = TreePath.Resolve(Root, TreeLayout.PoolDirectory);
        return Directory.EnumerateFiles(Root, "index.json", SearchOption.AllDirectories)
            .Select(Path.GetDirectoryName)
            .OfType<string>()
            .Where(d => !d.StartsWith(gpg, StringComparison.Ordinal) && !d.StartsWith(pool, StringComparison.Ordinal))
            .Select(d => TreePath.ToTreePath(Root, d))
            .Where(d => !expected.Contains(d))
            .ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Left out of the tree until renamed or removed: {Problem}")]
    private static partial void LogNotPublished(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory {Directory} was not removed: {Reason}")]
    private static partial void LogNotRemoved(ILogger logger, string directory, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published tree: {Written} files written, {Unchanged} unchanged, {Removed} directories removed in {ElapsedMs} ms")]
    private static partial void LogPublished(ILogger logger, int written, int unchanged, int removed, long elapsedMs);
}
