using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SystemImage.Core.Audit;
using SystemImage.Core.Compression;
using SystemImage.Core.Configuration;
using SystemImage.Core.Images;
using SystemImage.Core.Images.Parts;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Classic;

/// <summary>
/// Takes over a classic system-image installation (<c>adopt-tree</c>): its channels, devices and images into the
/// database, its pool files, version tarballs, keyrings and sidecars into the tree byte for byte with their signatures,
/// and its keys into the key store, so devices see the same images signed by the keys they trust. Everything is checked
/// first (every checksum and signature, streamed, a file per core); any problem refuses the whole adoption, and the
/// adoption itself is one change (<see cref="TreeMutator"/>): committed and published whole, or not at all.
/// </summary>
public sealed partial class TreeAdoption(
    IDbContextFactory<SystemImageDbContext> dbFactory,
    TreeMutator mutator,
    KeyStore keys,
    PoolWriter pool,
    ImporterConfigService importer,
    AuditLog audit,
    IOptions<SystemImageOptions> options,
    TimeProvider time,
    ILogger<TreeAdoption> logger)
{
    private const int MaxProblemsShown = 20;

    /// <summary>Checks everything and says what would be adopted and what stands in the way (<c>--dry-run</c>); changes nothing.</summary>
    public async Task<AdoptionPlan> PlanAsync(AdoptionRequest request, IProgress<AdoptionProgress>? progress, CancellationToken cancellationToken) =>
        (await SurveyAsync(request, progress, cancellationToken)).Plan;

    /// <summary>Adopts the installation when nothing stands in the way; otherwise changes nothing and says why.</summary>
    public async Task<(OperationResult Result, AdoptionPlan Plan)> AdoptAsync(
        AdoptionRequest request, Actor actor, IProgress<AdoptionProgress>? progress, CancellationToken cancellationToken)
    {
        var survey = await SurveyAsync(request, progress, cancellationToken);
        if (!survey.Plan.CanAdopt)
        {
            return (OperationResult.Invalid(Refusal(survey.Plan)), survey.Plan);
        }

        var result = await mutator.MutateAsync(db => ApplyAsync(db, survey, actor, progress, cancellationToken), cancellationToken);
        if (result.Succeeded)
        {
            LogAdopted(logger, survey.Installation!.Root, survey.Plan.Summary);
        }

        return (result, survey.Plan);
    }

    /// <summary>The one-line refusal: how many problems, and the first of them.</summary>
    public static string Refusal(AdoptionPlan plan) =>
        $"Nothing was adopted: {plan.Problems.Count} problem(s): {string.Join("; ", plan.Problems.Take(MaxProblemsShown))}"
        + (plan.Problems.Count > MaxProblemsShown ? $"; and {plan.Problems.Count - MaxProblemsShown} more (adopt-tree --dry-run lists them all)" : "");

    private async Task<Mutation> ApplyAsync(SystemImageDbContext db, Survey survey, Actor actor, IProgress<AdoptionProgress>? progress, CancellationToken cancellationToken)
    {
        // Checked again under the tree lock: the survey ran without it.
        var existing = await db.Channels.Select(c => c.Name).ToListAsync(cancellationToken);
        if (existing.Intersect(survey.Channels.Select(c => c.Name)).FirstOrDefault() is { } taken)
        {
            return OperationResult.Conflict($"Nothing was adopted: channel '{taken}' was created meanwhile; run adopt-tree again.");
        }

        if (existing.Count > 0 && !survey.Request.Merge)
        {
            return OperationResult.Conflict("Nothing was adopted: channels were created meanwhile; run adopt-tree again (with --merge to keep them).");
        }

        if (!HoldsKeys(survey.Keys))
        {
            if (existing.Count > 0)
            {
                return OperationResult.Conflict("Nothing was adopted: this server's keys changed meanwhile; run adopt-tree again.");
            }

            // No channel is published yet, so nothing but channels.json and the keyrings was signed with the keys
            // replaced here; the publish below signs them again.
            keys.Install(survey.Keys);
        }

        var staged = db.StagedFiles;
        var copied = 0L;
        // A few copies at a time: each ends with an fsync, which the disk serves better together.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount * 2), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(survey.Copies, parallel, async (file, token) =>
        {
            await staged.StageCopyAsync(file.TreePath, file.Source, token);
            progress?.Report(new AdoptionProgress("copying", Interlocked.Increment(ref copied), survey.Copies.Count));
        });

        foreach (var (path, sidecar) in survey.NewSidecars)
        {
            pool.StageSidecar(staged, path, sidecar);
        }

        var now = time.GetUtcNow();
        foreach (var blacklisted in survey.Blacklist)
        {
            var fingerprint = Convert.ToHexString(blacklisted.GetPublicKey().GetFingerprint());
            if (!await db.RevokedKeys.AnyAsync(k => k.Fingerprint == fingerprint, cancellationToken))
            {
                db.RevokedKeys.Add(new RevokedKey
                {
                    Fingerprint = fingerprint,
                    PublicKey = blacklisted.GetEncoded(),
                    Label = "classic blacklist",
                    RevokedAt = now,
                    RevokedBy = $"{actor.Name} ({actor.Surface})",
                    Reason = $"on the blacklist of the classic tree at {survey.Installation!.Root}",
                });
            }
        }

        var knownPool = (await db.PoolFiles.Select(p => p.Path).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var poolFile in survey.PoolFiles.Where(p => !knownPool.Contains(p.Path)))
        {
            db.PoolFiles.Add(poolFile);
        }

        var configs = survey.Configs.ToDictionary(c => c.Channel, c => c.Config, StringComparer.Ordinal);
        foreach (var classic in survey.Channels)
        {
            var channel = new Channel
            {
                Name = classic.Name,
                Hidden = classic.Hidden,
                AliasTarget = classic.Alias,
                RedirectTarget = classic.Redirect,
                CreatedAt = now,
            };
            if (configs.TryGetValue(classic.Name, out var config))
            {
                ImporterConfigService.Apply(channel, config);
            }

            foreach (var device in classic.Devices)
            {
                var keyring = survey.DeviceKeyrings.GetValueOrDefault(TreeLayout.DeviceKeyring(classic.Name, device.Name));
                channel.Devices.Add(new Device
                {
                    Name = device.Name,
                    RedirectTarget = device.Redirect,
                    HasKeyring = device.HasKeyring,
                    UploadedKeyring = keyring?.Uploaded,
                    UploadedKeyringExpiry = keyring?.Uploaded is null ? null : keyring.Expiry,
                    UploadedKeyringAt = keyring?.Uploaded is null ? null : keyring.At,
                    CreatedAt = now,
                    Images = [.. device.Images.Select(image => WithCreatedAt(image, survey))],
                });
            }

            db.Channels.Add(channel);
        }

        audit.Record(db, actor, "adopt-tree", survey.Installation!.Root, null, AuditChange.Created(survey.Plan.Summary));
        return new Mutation(OperationResult.Ok($"Adopted {survey.Plan.Summary} from {survey.Installation.Root}."), PublishRequest.All with { Keyrings = true });
    }

    /// <summary>The image with its creation time: when its newest file was written (the classic server's publish).</summary>
    private static Image WithCreatedAt(Image image, Survey survey)
    {
        image.CreatedAt = image.Files.Select(f => survey.Written.GetValueOrDefault(f.Path)).DefaultIfEmpty(survey.Started).Max();
        return image;
    }

    private bool HoldsKeys(IReadOnlyDictionary<string, PgpSecretKeyRing> adopted) =>
        keys.HasKeys && KeyNames.All.All(name =>
            adopted.TryGetValue(name, out var ring) && Convert.ToHexString(ring.GetPublicKey().GetFingerprint()) == keys.Describe(name).Fingerprint);

    private async Task<Survey> SurveyAsync(AdoptionRequest request, IProgress<AdoptionProgress>? progress, CancellationToken cancellationToken)
    {
        var survey = new Survey(request, time.GetUtcNow());
        var (installation, problem) = ClassicInstallation.Locate(request.Root, request.Config, request.Keys);
        if (installation is null)
        {
            survey.Problems.Add(problem!);
            return survey.Finish();
        }

        survey.Installation = installation;
        progress?.Report(new AdoptionProgress("reading", 0, 0));
        try
        {
            survey.Configs = ClassicIniConfig.Parse(installation.ConfigText);
        }
        catch (FormatException e)
        {
            survey.Problems.Add($"{installation.ConfigFile}: {e.Message}");
        }

        var (channels, treeProblems) = ClassicTreeReader.Read(installation.Www);
        survey.Problems.AddRange(treeProblems);
        var (adoptedKeys, keyProblems) = await ClassicKeyReader.ReadAsync(installation.Keys, cancellationToken);
        survey.Problems.AddRange(keyProblems);
        survey.Keys = adoptedKeys;

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var existing = (await db.Channels.Select(c => c.Name).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            SelectChannels(survey, channels, existing);
            if (survey.Problems.Count == 0)
            {
                await CheckConfigsAsync(db, survey, cancellationToken);
            }
        }

        if (keyProblems.Count == 0)
        {
            CheckKeyrings(survey);
        }

        if (survey.Problems.Count == 0)
        {
            CollectFiles(survey);
            await CheckFilesAsync(survey, progress, cancellationToken);
        }

        return survey.Finish();
    }

    /// <summary>The channels to adopt: the tree's and the config's, less those this server has (merging), which are kept.</summary>
    private static void SelectChannels(Survey survey, IReadOnlyList<ClassicChannel> channels, HashSet<string> existing)
    {
        if (existing.Count > 0 && !survey.Request.Merge)
        {
            survey.Problems.Add($"this server already has {existing.Count} channel(s) ({string.Join(", ", existing.Order(StringComparer.Ordinal).Take(5))}"
                + $"{(existing.Count > 5 ? ", …" : "")}): adopt into a new data directory, or give --merge to add the classic channels beside them (an existing channel is never replaced)");
        }

        var all = channels.ToList();
        foreach (var (name, _) in survey.Configs.Where(c => !all.Any(ch => ch.Name == c.Channel)))
        {
            // Configured but never published (no build imported yet): adopted empty, with its importer settings.
            all.Add(new ClassicChannel(name, false, null, null, []));
        }

        survey.Kept.AddRange(all.Where(c => existing.Contains(c.Name)).Select(c => c.Name));
        survey.Channels.AddRange(all.Where(c => !existing.Contains(c.Name)));
        if (survey.Request.Merge && existing.Count > 0)
        {
            survey.MergingKeys = true;
        }
    }

    private async Task CheckConfigsAsync(SystemImageDbContext db, Survey survey, CancellationToken cancellationToken)
    {
        var coming = survey.Channels.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, config) in survey.Configs.Where(c => coming.Contains(c.Channel)))
        {
            var classic = survey.Channels.First(c => c.Name == name);
            var channel = new Channel { Name = name, AliasTarget = classic.Alias, RedirectTarget = classic.Redirect };
            if (await importer.ValidateAsync(db, channel, config, cancellationToken, coming) is { } error)
            {
                survey.Problems.Add($"{survey.Installation!.ConfigFile}: channel '{name}': {error}");
            }
        }
    }

    /// <summary>
    /// The keys must be the ones the tree's keyrings publish (and the blacklist must not hold them); merging into a
    /// server that publishes channels already needs the same keys, since its devices trust those.
    /// </summary>
    private void CheckKeyrings(Survey survey)
    {
        var www = survey.Installation!.Www;
        foreach (var name in new[] { KeyNames.ImageMaster, KeyNames.ImageSigning })
        {
            var path = TreeLayout.Keyring(name);
            var file = Path.Combine(www, path.TrimStart('/'));
            if (File.Exists(file))
            {
                CheckKeyringHolds(survey, path, file, name);
            }
        }

        var archive = Path.Combine(survey.Installation.Keyrings, "archive-master.tar.xz");
        if (File.Exists(archive))
        {
            CheckKeyringHolds(survey, "archive-master.tar.xz (the devices' root of trust)", archive, KeyNames.ArchiveMaster);
        }

        var blacklist = Path.Combine(www, TreeLayout.Keyring(KeyNames.Blacklist).TrimStart('/'));
        if (File.Exists(blacklist) && ReadKeyring(survey, TreeLayout.Keyring(KeyNames.Blacklist), blacklist) is { } revoked)
        {
            survey.Blacklist.AddRange(revoked.Keys.GetKeyRings());
            var fingerprints = survey.Blacklist.Select(r => Fingerprint(r.GetPublicKey())).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, ring) in survey.Keys.Where(k => fingerprints.Contains(Fingerprint(k.Value.GetPublicKey()))))
            {
                survey.Problems.Add($"the {name} key {Fingerprint(ring.GetPublicKey())} is on the tree's own blacklist: devices refuse what it signs");
            }
        }

        if (survey.MergingKeys && !HoldsKeys(survey.Keys))
        {
            survey.Problems.Add("the classic keys are not this server's keys: its devices trust this server's keys and the classic devices theirs, so the trees cannot be merged; adopt into a new data directory");
        }
    }

    private static void CheckKeyringHolds(Survey survey, string what, string file, string name)
    {
        if (ReadKeyring(survey, what, file) is not { } contents)
        {
            return;
        }

        var expected = Fingerprint(survey.Keys[name].GetPublicKey());
        if (!contents.Keys.GetKeyRings().Any(r => Fingerprint(r.GetPublicKey()) == expected))
        {
            survey.Problems.Add($"{what} does not hold the key store's {name} key {expected}: the keys are not the ones this tree's devices trust");
        }
    }

    private static KeyringContents? ReadKeyring(Survey survey, string what, string file)
    {
        try
        {
            using var compressed = File.OpenRead(file);
            using var xz = new XzDecoderStream(compressed);
            using var tar = new MemoryStream();
            xz.CopyTo(tar);
            tar.Position = 0;
            return KeyringTarball.Read(tar);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or PgpException)
        {
            survey.Problems.Add($"{what} is not a readable keyring tarball: {e.Message}");
            return null;
        }
    }

    /// <summary>Every file to copy (with its signature), the pool rows, the device keyrings and the sidecars to write.</summary>
    private static void CollectFiles(Survey survey)
    {
        var www = survey.Installation!.Www;
        string Source(string treePath) => Path.Combine(www, treePath.TrimStart('/'));
        var files = new Dictionary<string, ImageFile>(StringComparer.Ordinal);
        foreach (var image in survey.Channels.SelectMany(c => c.Devices).SelectMany(d => d.Images))
        {
            foreach (var file in image.Files)
            {
                if (files.TryGetValue(file.Path, out var seen) && (seen.Checksum != file.Checksum || seen.Size != file.Size))
                {
                    survey.Problems.Add($"{file.Path} is listed with two checksums or sizes ({seen.Checksum}, {file.Checksum})");
                    continue;
                }

                files[file.Path] = file;
            }
        }

        foreach (var (path, file) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            survey.Checks.Add(new FileCheck(path, Source(path), file.Checksum, file.Size));
            var sidecar = PoolWriter.SidecarOf(path);
            JsonObject? description = null;
            if (File.Exists(Source(sidecar)))
            {
                survey.Checks.Add(new FileCheck(sidecar, Source(sidecar), null, null));
                description = ReadSidecar(Source(sidecar));
            }
            else
            {
                survey.NewSidecars.Add((path, new JsonObject
                {
                    ["checksum"] = file.Checksum,
                    ["generator"] = "adopt-tree",
                    ["source"] = $"classic tree {survey.Installation.Root}",
                }));
            }

            if (path.StartsWith(TreeLayout.PoolDirectory + "/", StringComparison.Ordinal))
            {
                survey.PoolFiles.Add(new PoolFile
                {
                    Path = path,
                    PartName = file.PartName,
                    Checksum = file.Checksum,
                    Size = file.Size,
                    Generator = description?["generator"] is JsonValue g && g.TryGetValue<string>(out var generator) ? generator : "adopt-tree",
                    Source = description?["rootfs_path"] is JsonValue s && s.TryGetValue<string>(out var source) ? source : null,
                    VersionDetail = description?["version_detail"] is JsonValue v && v.TryGetValue<string>(out var detail) ? detail : "",
                    CreatedAt = File.Exists(Source(path)) ? new DateTimeOffset(File.GetLastWriteTimeUtc(Source(path)), TimeSpan.Zero) : survey.Started,
                });
            }
        }

        foreach (var name in new[] { KeyNames.ImageMaster, KeyNames.ImageSigning, KeyNames.Blacklist })
        {
            var path = TreeLayout.Keyring(name);
            if (File.Exists(Source(path)))
            {
                survey.Checks.Add(new FileCheck(path, Source(path), null, null));
            }
        }

        var archive = Path.Combine(survey.Installation.Keyrings, "archive-master.tar.xz");
        if (File.Exists(archive) && File.Exists(archive + ".asc"))
        {
            survey.Checks.Add(new FileCheck(TreeLayout.Keyring(KeyNames.ArchiveMaster), archive, null, null));
        }

        foreach (var channel in survey.Channels)
        {
            foreach (var device in channel.Devices.Where(d => d.HasKeyring))
            {
                var path = TreeLayout.DeviceKeyring(channel.Name, device.Name);
                survey.Checks.Add(new FileCheck(path, Source(path), null, null));
                if (ReadKeyring(survey, path, Source(path)) is { } contents)
                {
                    survey.DeviceKeyrings[path] = DeviceKeyringOf(survey, contents, Source(path));
                }
            }
        }

        survey.Checks.Add(new FileCheck(TreeLayout.ChannelsJson, Source(TreeLayout.ChannelsJson), null, null) { Copy = false });
        foreach (var channel in survey.Channels)
        {
            foreach (var device in channel.Devices.Where(d => d.Redirect is null))
            {
                // Not copied (this server renders them), but their signatures must hold too: they show the keys are the
                // tree's. A device with a keyring of its own may have its index signed by device-signing.
                var index = TreeLayout.Index(channel.Name, device.Name);
                survey.Checks.Add(new FileCheck(index, Source(index), null, null) { Copy = false, DeviceSigned = device.HasKeyring });
            }
        }
    }

    /// <summary>A device keyring holding only the device-signing key is the server's own; any other keys are kept as uploaded ones.</summary>
    private static DeviceKeyring DeviceKeyringOf(Survey survey, KeyringContents contents, string file)
    {
        var rings = contents.Keys.GetKeyRings().ToList();
        var deviceSigning = Fingerprint(survey.Keys[KeyNames.DeviceSigning].GetPublicKey());
        var at = new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
        if (rings.Count == 1 && Fingerprint(rings[0].GetPublicKey()) == deviceSigning)
        {
            return new DeviceKeyring(null, contents.Expiry, at);
        }

        using var buffer = new MemoryStream();
        foreach (var ring in rings)
        {
            ring.Encode(buffer);
        }

        return new DeviceKeyring(buffer.ToArray(), contents.Expiry, at);
    }

    private static JsonObject? ReadSidecar(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            return JsonNode.Parse(stream) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads every file once, a file per core: its size and SHA-256 when the index gives them, and its detached signature
    /// with the key that signs such a file. A file this server's tree holds already must be the same bytes.
    /// </summary>
    private async Task CheckFilesAsync(Survey survey, IProgress<AdoptionProgress>? progress, CancellationToken cancellationToken)
    {
        var publicKeys = survey.Keys.ToDictionary(k => k.Key, k => new TrustedKeys([k.Value.GetPublicKey()]), StringComparer.Ordinal);
        var deviceSigned = new TrustedKeys([survey.Keys[KeyNames.ImageSigning].GetPublicKey(), survey.Keys[KeyNames.DeviceSigning].GetPublicKey()]);
        var problems = new ConcurrentBag<string>();
        var copies = new ConcurrentBag<Copy>();
        var written = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var total = survey.Checks.Sum(c => c.Size ?? 0);
        var done = 0L;
        var root = options.Value.PublishRootFullPath;
        var holdsKeys = HoldsKeys(survey.Keys);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(survey.Checks, parallel, async (check, token) =>
        {
            var signers = check.DeviceSigned ? deviceSigned : publicKeys[TreeLayout.SignerOf(check.TreePath)];
            var problem = await CheckFileAsync(check, signers, written, token);
            if (problem is not null)
            {
                problems.Add($"{check.TreePath}: {problem}");
                return;
            }

            if (check.Copy)
            {
                foreach (var (treePath, source) in new[] { (check.TreePath, check.Source), (TreeLayout.Signature(check.TreePath), check.Source + ".asc") })
                {
                    var target = TreePath.Resolve(root, treePath);
                    if (treePath.StartsWith(TreeLayout.GpgDirectory + "/", StringComparison.Ordinal))
                    {
                        // The published keyrings are the keys': replaced with the keys, kept when this server has them already.
                        if (!holdsKeys)
                        {
                            copies.Add(new Copy(treePath, source, new FileInfo(source).Length));
                        }
                    }
                    else if (!File.Exists(target))
                    {
                        copies.Add(new Copy(treePath, source, new FileInfo(source).Length));
                    }
                    else if (!await SameBytesAsync(target, source, token))
                    {
                        problems.Add($"{treePath}: this server's tree has a different file there");
                    }
                }
            }

            progress?.Report(new AdoptionProgress("checking", Interlocked.Add(ref done, check.Size ?? 0), total));
        });

        survey.Problems.AddRange(problems.Order(StringComparer.Ordinal));
        survey.Copies.AddRange(copies.OrderBy(c => c.TreePath, StringComparer.Ordinal));
        foreach (var (path, at) in written)
        {
            survey.Written[path] = at;
        }
    }

    private static async Task<string?> CheckFileAsync(FileCheck check, TrustedKeys signer, ConcurrentDictionary<string, DateTimeOffset> written, CancellationToken cancellationToken)
    {
        byte[] signature;
        try
        {
            signature = await File.ReadAllBytesAsync(check.Source + ".asc", cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return File.Exists(check.Source) ? "its signature (.asc) is missing" : "the file is missing";
        }

        try
        {
            await using var file = new FileStream(check.Source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            await using var hashing = new HashingReadStream(file);
            var verified = await OpenPgpVerifier.VerifyAsync(hashing, signature, signer, DateTimeOffset.MinValue, cancellationToken);
            if (check.Size is { } size && hashing.BytesRead != size)
            {
                return $"it is {hashing.BytesRead} bytes, not the {size} its index gives";
            }

            if (check.Checksum is { } checksum && hashing.Sha256Hex() != checksum)
            {
                return $"its SHA-256 is {hashing.Sha256Hex()}, not the {checksum} its index gives";
            }

            if (!verified.IsValid)
            {
                return $"its signature does not verify with the {(check.DeviceSigned ? "image-signing or device-signing" : TreeLayout.SignerOf(check.TreePath))} key: {verified.Error}";
            }

            written[check.TreePath] = new DateTimeOffset(File.GetLastWriteTimeUtc(check.Source), TimeSpan.Zero);
            return null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return "the file is missing";
        }
    }

    private static async Task<bool> SameBytesAsync(string a, string b, CancellationToken cancellationToken)
    {
        if (new FileInfo(a).Length != new FileInfo(b).Length)
        {
            return false;
        }

        await using var first = File.OpenRead(a);
        await using var second = File.OpenRead(b);
        var left = new byte[1 << 16];
        var right = new byte[1 << 16];
        while (true)
        {
            var read = await first.ReadAtLeastAsync(left, left.Length, throwOnEndOfStream: false, cancellationToken);
            await second.ReadExactlyAsync(right.AsMemory(0, read), cancellationToken);
            if (!left.AsSpan(0, read).SequenceEqual(right.AsSpan(0, read)))
            {
                return false;
            }

            if (read < left.Length)
            {
                return true;
            }
        }
    }

    private static string Fingerprint(PgpPublicKey key) => Convert.ToHexString(key.GetFingerprint());

    [LoggerMessage(Level = LogLevel.Information, Message = "Adopted the classic tree at {Root}: {Summary}")]
    private static partial void LogAdopted(ILogger logger, string root, string summary);

    private sealed record FileCheck(string TreePath, string Source, string? Checksum, long? Size)
    {
        public bool Copy { get; init; } = true;

        /// <summary>An index that device-signing may have signed instead of image-signing.</summary>
        public bool DeviceSigned { get; init; }
    }

    private sealed record Copy(string TreePath, string Source, long Size);

    private sealed record DeviceKeyring(byte[]? Uploaded, DateTimeOffset? Expiry, DateTimeOffset At);

    private sealed class Survey(AdoptionRequest request, DateTimeOffset started)
    {
        public AdoptionRequest Request { get; } = request;

        public DateTimeOffset Started { get; } = started;

        public ClassicInstallation? Installation { get; set; }

        public IReadOnlyList<(string Channel, ImporterConfig Config)> Configs { get; set; } = [];

        public IReadOnlyDictionary<string, PgpSecretKeyRing> Keys { get; set; } = new Dictionary<string, PgpSecretKeyRing>();

        public bool MergingKeys { get; set; }

        public List<string> Problems { get; } = [];

        public List<ClassicChannel> Channels { get; } = [];

        public List<string> Kept { get; } = [];

        public List<FileCheck> Checks { get; } = [];

        public List<Copy> Copies { get; } = [];

        public List<(string Path, JsonObject Sidecar)> NewSidecars { get; } = [];

        public List<PoolFile> PoolFiles { get; } = [];

        public List<PgpPublicKeyRing> Blacklist { get; } = [];

        public Dictionary<string, DeviceKeyring> DeviceKeyrings { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, DateTimeOffset> Written { get; } = new(StringComparer.Ordinal);

        public AdoptionPlan Plan { get; private set; } = null!;

        public Survey Finish()
        {
            var devices = Channels.SelectMany(c => c.Devices).Where(d => d.Redirect is null).ToList();
            Plan = new AdoptionPlan(
                [.. Problems],
                [.. Channels.Select(c => c.Name)],
                [.. Kept],
                devices.Count,
                devices.Sum(d => d.Images.Count),
                Copies.Count,
                Copies.Sum(c => c.Size),
                [.. Keys.OrderBy(k => KeyNames.All.ToList().IndexOf(k.Key)).Select(k => $"{k.Key} {Fingerprint(k.Value.GetPublicKey())}")]);
            return this;
        }
    }
}
