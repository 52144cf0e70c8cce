using System.Formats.Tar;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Generators;

/// <summary>
/// <c>keyring</c> (argument: a published keyring's name, e.g. <c>archive-master</c>): a tarball placing that keyring
/// and its signature, as published under <c>gpg/</c>, at <c>system/usr/share/system-image/&lt;name&gt;.tar.xz(.asc)</c>
/// (SPEC §5). Produced only when a file before it in the list is new, so list it after the files it goes with.
/// The tar is reproducible (fixed time, root owner, mode 0644, no directory entries), so the same keyring always gives
/// the same pool path: <c>/pool/&lt;part name&gt;-&lt;sha256 of the tar&gt;.tar.xz</c>. version_detail <c>keyring=&lt;name&gt;</c>.
/// </summary>
public sealed class KeyringGenerator(IOptions<SystemImageOptions> options) : IFileGenerator
{
    public const string GeneratorName = "keyring";

    /// <summary>Where devices look for keyrings, inside the image.</summary>
    public const string TargetDirectory = "system/usr/share/system-image";

    /// <summary>The entries' time: fixed, so that the tar depends on nothing but the keyring (2020-01-01 00:00:00 UTC).</summary>
    private static readonly DateTimeOffset FixedTime = DateTimeOffset.FromUnixTimeSeconds(1_577_836_800);

    public bool OnlyWhenAnotherFileIsNew => true;

    public string Name => GeneratorName;

    public string? Validate(ImportFile file)
    {
        if (file.Options.Count > 0)
        {
            return "the keyring generator takes no options";
        }

        return file.Arguments.Count == 1 && KeyringPublisher.Published.Contains(file.Arguments[0])
            ? null
            : $"the keyring generator takes one argument, the name of a published keyring: {string.Join(", ", KeyringPublisher.Published)}";
    }

    public async Task<PoolFile?> GenerateAsync(GeneratorContext context, CancellationToken cancellationToken)
    {
        if (Validate(context.File) is { } error)
        {
            throw new GeneratorException(error);
        }

        var keyring = context.File.Arguments[0];
        if (!context.AnyNew)
        {
            context.Session.Reporter.Log($"{context.Device}: {context.File.Name}: no file before it is new, so no keyring file (and no image)");
            return null;
        }

        var tar = Build(keyring, await ReadPublishedAsync(TreeLayout.Keyring(keyring), cancellationToken),
            await ReadPublishedAsync(TreeLayout.Signature(TreeLayout.Keyring(keyring)), cancellationToken));
        var path = PoolFileParts.PoolPath(context.File.Name, Convert.ToHexStringLower(SHA256.HashData(tar)));
        if (await context.Session.FindAsync(context.Db, path, cancellationToken) is { } existing)
        {
            return existing.AsPart(context.File.Name);
        }

        var temp = Path.Combine(context.Session.WorkDirectory, $"keyring-{Guid.NewGuid():N}.tar");
        try
        {
            await File.WriteAllBytesAsync(temp, tar, cancellationToken);
            var description = new PoolFileDescription(context.File.Name, GeneratorName, $"keyring={keyring}", TreeLayout.Keyring(keyring), context.Version)
            {
                Extra = new Dictionary<string, string> { ["keyring"] = keyring },
            };
            return await context.Session.AddTarballAsync(path, temp, description, cancellationToken);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The uncompressed tar holding <c>&lt;name&gt;.tar.xz</c> and <c>&lt;name&gt;.tar.xz.asc</c>.</summary>
    internal static byte[] Build(string keyring, byte[] tarball, byte[] signature)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true))
        {
            writer.WriteEntry(KeyringTarball.EntryOf($"{TargetDirectory}/{keyring}.tar.xz", new MemoryStream(tarball), FixedTime));
            writer.WriteEntry(KeyringTarball.EntryOf($"{TargetDirectory}/{keyring}.tar.xz.asc", new MemoryStream(signature), FixedTime));
        }

        return output.ToArray();
    }

    private async Task<byte[]> ReadPublishedAsync(string treePath, CancellationToken cancellationToken)
    {
        var full = TreePath.Resolve(options.Value.PublishRootFullPath, treePath);
        return File.Exists(full)
            ? await File.ReadAllBytesAsync(full, cancellationToken)
            : throw new GeneratorException($"{treePath} is not published; publish the tree (or generate the keys) first");
    }
}
