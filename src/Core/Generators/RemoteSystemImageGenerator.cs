using Microsoft.Extensions.Options;
using SystemImage.Core.Channels;
using SystemImage.Core.Configuration;
using SystemImage.Core.Importing;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Signing;

namespace SystemImage.Core.Generators;

/// <summary>
/// <c>remote-system-image</c> (arguments: base URL, channel, part name; options <c>device</c>, <c>keyring</c>): the
/// file of that part from the latest full image of a channel on another system-image server (SPEC §5). Nothing is
/// trusted before its signature verifies with the keyring <see cref="ImportOptions.RemoteKeyrings"/> names (see
/// <see cref="RemoteServer"/> for the chain of keyrings): channels.json, the device's index.json, then the file,
/// whose size and SHA-256 must also match the index. The remote file is the one whose base name is
/// <c>&lt;part&gt;-&lt;hex&gt;.tar.xz</c>; it is stored byte for byte at <c>/pool/&lt;entry name&gt;-&lt;sha256&gt;.tar.xz</c>
/// and not downloaded again while the pool has it. version_detail: the remote image's element for the part, else
/// <c>&lt;part&gt;=&lt;first 12 hex digits of the sha256&gt;</c>. A missing channel, device, image or part gives nothing.
/// </summary>
public sealed class RemoteSystemImageGenerator(
    HttpFetcher fetcher, IOptions<ImportOptions> importOptions, IOptions<SystemImageOptions> options, TimeProvider time) : IFileGenerator
{
    public const string GeneratorName = "remote-system-image";

    private static readonly string[] KnownOptions = ["device", "keyring"];

    public string Name => GeneratorName;

    public string? Validate(ImportFile file)
    {
        if (file.Arguments.Count != 3)
        {
            return "the remote-system-image generator takes three arguments: the remote server's base URL, a channel and a part name";
        }

        if (file.Options.Keys.FirstOrDefault(k => !KnownOptions.Contains(k)) is { } unknown)
        {
            return $"unknown option '{unknown}' (known: {string.Join(", ", KnownOptions)})";
        }

        var (url, channel, part) = (file.Arguments[0], file.Arguments[1], file.Arguments[2]);
        return HttpUrls.Validate(url, "base URL")
            ?? (new Uri(url).Query.Length > 0 || new Uri(url).Fragment.Length > 0 ? $"the base URL '{url}' has a query or fragment" : null)
            ?? Names.ValidateChannel(channel)
            ?? Names.ValidatePart(part)
            ?? (part == VersionGenerator.GeneratorName ? "a version tarball belongs to its channel and cannot be reused; use the version generator" : null)
            ?? (file.Options.TryGetValue("device", out var device) ? Names.ValidateDevice(device) : null)
            ?? KeyringNameOrError(file).Error;
    }

    public async Task<PoolFile?> GenerateAsync(GeneratorContext context, CancellationToken cancellationToken)
    {
        if (Validate(context.File) is { } error)
        {
            throw new GeneratorException(error);
        }

        var (url, channel, part) = (context.File.Arguments[0], context.File.Arguments[1], context.File.Arguments[2]);
        var device = context.File.Options.GetValueOrDefault("device") ?? context.Device;
        var remote = new RemoteServer(fetcher, new Uri(url), time);
        var signing = await remote.ImageSigningKeysAsync(LoadKeyring(KeyringNameOrError(context.File).Name!), cancellationToken);

        var channels = await remote.GetVerifiedAsync("/channels.json", "/channels.json.asc", signing, cancellationToken);
        var (entry, missing) = RemoteIndex.FindDevice(channels, channel, device);
        if (entry is null)
        {
            return Nothing(context, missing!);
        }

        var trusted = entry.KeyringPath is { } keyringPath
            ? signing.Union(await remote.KeyringAsync(keyringPath, entry.KeyringSignature!, KeyNames.DeviceSigning, signing, device, cancellationToken))
            : signing;
        var index = await remote.GetVerifiedAsync(entry.Index, entry.Index + ".asc", trusted, cancellationToken);
        if (RemoteIndex.LatestFull(index, entry.Index) is not { } image)
        {
            return Nothing(context, $"the remote {entry.Index} has no full image");
        }

        var matches = RemoteIndex.FilesOfPart(image, part);
        if (matches.Count > 1)
        {
            throw new GeneratorException($"version {image.Version} of the remote {entry.Index} has {matches.Count} files named '{part}-…': {string.Join(", ", matches.Select(f => f.Path))}");
        }

        if (matches.Count == 0)
        {
            return Nothing(context, $"version {image.Version} of the remote {entry.Index} has no file named '{part}-<hash>.tar.xz'");
        }

        var file = matches[0];
        var path = PoolFileParts.PoolPath(context.File.Name, file.Checksum);
        if (await context.Session.FindAsync(context.Db, path, cancellationToken) is { } existing)
        {
            return existing.Checksum == file.Checksum
                ? existing.AsPart(context.File.Name)
                : throw new GeneratorException($"{path} is already in the pool with another checksum ({existing.Checksum})");
        }

        var detail = RemoteIndex.DetailOf(image.VersionDetail, part) ?? $"{part}={file.Checksum[..12]}";
        return await DownloadAsync(context, remote, file, path, detail, new Dictionary<string, string>
        {
            ["remote_channel"] = entry.Channel,
            ["remote_device"] = device,
            ["remote_path"] = file.Path,
            ["remote_version"] = image.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, trusted, cancellationToken);
    }

    private async Task<PoolFile> DownloadAsync(
        GeneratorContext context, RemoteServer remote, RemoteFile file, string path, string detail, Dictionary<string, string> extra, TrustedKeys trusted, CancellationToken cancellationToken)
    {
        if (file.Size > fetcher.MaxBytes)
        {
            throw new GeneratorException($"the remote {file.Path} is {file.Size} bytes, more than the limit of {fetcher.MaxBytes} bytes");
        }

        var url = remote.UrlOf(file.Path);
        var temp = Path.Combine(context.Session.WorkDirectory, $"remote-{Guid.NewGuid():N}.tar.xz");
        try
        {
            var signature = await remote.GetSignatureAsync(file.Signature, cancellationToken);
            var reporter = context.Session.Reporter;
            var download = await fetcher.DownloadAsync(url, temp, file.Size,
                (done, total) => reporter.Progress(context.Device, context.File.Name, done, total ?? file.Size), cancellationToken);
            if (download.Size != file.Size || download.Sha256 != file.Checksum)
            {
                throw new GeneratorException(
                    $"the remote {file.Path} does not match its index entry: {download.Size} bytes with SHA-256 {download.Sha256}, expected {file.Size} bytes with {file.Checksum}");
            }

            SignatureCheck check;
            await using (var data = File.OpenRead(temp))
            {
                check = await OpenPgpVerifier.VerifyAsync(data, signature, trusted, time.GetUtcNow(), cancellationToken);
            }

            if (!check.IsValid)
            {
                throw new GeneratorException($"the remote {file.Path} failed signature verification: {check.Error}");
            }

            reporter.Log($"{context.Device}: {context.File.Name}: downloaded and verified {file.Size} bytes from {HttpUrls.Redact(url)}");
            var description = new PoolFileDescription(context.File.Name, GeneratorName, detail, HttpUrls.Redact(url), context.Version) { Extra = extra };
            return await context.Session.AddTarballAsync(path, temp, description, cancellationToken);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The <c>keyring</c> option, or the only configured remote keyring; or why there is none.</summary>
    private (string? Name, string? Error) KeyringNameOrError(ImportFile file)
    {
        var configured = importOptions.Value.RemoteKeyrings;
        if (file.Options.TryGetValue("keyring", out var name))
        {
            return configured.ContainsKey(name)
                ? (name, null)
                : (null, $"keyring '{name}' is not configured (SystemImage:Import:RemoteKeyrings has {Listed(configured.Keys)})");
        }

        return configured.Count == 1
            ? (configured.Keys.Single(), null)
            : (null, $"option keyring is required to choose one of SystemImage:Import:RemoteKeyrings ({Listed(configured.Keys)})");
    }

    private TrustedKeys LoadKeyring(string name)
    {
        var path = Path.GetFullPath(importOptions.Value.RemoteKeyrings[name], options.Value.DataDirFullPath);
        TrustedKeys keys;
        try
        {
            keys = TrustedKeys.Load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new GeneratorException($"remote keyring '{name}' ({path}) cannot be read: {e.Message.ReplaceLineEndings(" ")}", e);
        }

        if (keys.Type is KeyNames.DeviceSigning or KeyNames.Blacklist)
        {
            throw new GeneratorException($"remote keyring '{name}' ({path}) is a {keys.Type} keyring, which cannot vouch for a remote tree");
        }

        return keys.Expiry is { } expiry && expiry <= time.GetUtcNow()
            ? throw new GeneratorException($"remote keyring '{name}' ({path}) expired on {expiry:yyyy-MM-dd HH:mm:ss} UTC")
            : keys;
    }

    private static string Listed(IEnumerable<string> names) => names.Any() ? string.Join(", ", names.Order(StringComparer.Ordinal)) : "none";

    private static PoolFile? Nothing(GeneratorContext context, string reason)
    {
        context.Session.Reporter.Log($"{context.Device}: {context.File.Name}: {reason}; nothing to import");
        return null;
    }
}
