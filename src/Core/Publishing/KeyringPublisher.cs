using Org.BouncyCastle.Bcpg.OpenPgp;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Compression;
using SystemImage.Core.Signing;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Publishing;

/// <summary>
/// Builds the keyring tarballs of SPEC §2 (<c>gpg/&lt;name&gt;.tar.xz</c> and per-device <c>device.tar.xz</c>)
/// from the key store (and the blacklist from the revoked keys) and stages those whose bytes changed, each signed per
/// the key hierarchy.
/// </summary>
public sealed class KeyringPublisher(KeyStore keys, OpenPgpSigner signer, TreeSignatures signatures, IOptions<SystemImageOptions> options)
{
    /// <summary>The keyrings published under <c>gpg/</c>, in the order devices need them.</summary>
    public static readonly IReadOnlyList<string> Published =
        [KeyNames.ArchiveMaster, KeyNames.ImageMaster, KeyNames.ImageSigning, KeyNames.Blacklist];

    /// <summary>Stages the gpg/ keyrings that are missing or changed; with <paramref name="everything"/> false only missing ones are checked.</summary>
    /// <param name="batch">The publish run's batch.</param>
    /// <param name="revoked">Every revoked key: the content of the blacklist.</param>
    /// <param name="everything">Build every keyring and compare it with the published one.</param>
    /// <param name="forceSign">Sign every keyring again, changed or not.</param>
    public int Stage(TreeBatch batch, IReadOnlyCollection<RevokedKey> revoked, bool everything, bool forceSign)
    {
        var staged = 0;
        foreach (var name in Published)
        {
            var path = TreeLayout.Keyring(name);
            if (!everything && !forceSign && File.Exists(Full(path)) && File.Exists(Full(path) + ".asc"))
            {
                continue;
            }

            var content = name == KeyNames.Blacklist ? BuildBlacklist(revoked) : Build(name, model: null);
            staged += StageIfChanged(batch, path, content, KeyHierarchy.SignerOf(name), forceSign, strict: false);
        }

        return staged;
    }

    /// <summary>
    /// Stages a device's <c>device.tar.xz</c>, signed by image-signing, with <c>model</c> set to the device: the keys
    /// uploaded for it, or else the server's device-signing key.
    /// </summary>
    public int StageDeviceKeyring(TreeBatch batch, string channel, Device device, bool forceSign)
    {
        var content = device.UploadedKeyring is { } uploaded
            ? Compress(tar => KeyringTarball.Write(tar, KeyNames.DeviceSigning, UploadedKeyring.Rings(uploaded), device.UploadedKeyringExpiry, device.Name,
                device.UploadedKeyringAt ?? device.CreatedAt))
            : Build(KeyNames.DeviceSigning, device.Name);
        return StageIfChanged(batch, TreeLayout.DeviceKeyring(channel, device.Name), content, KeyHierarchy.SignerOf(KeyNames.DeviceSigning), forceSign,
            strict: device.UploadedKeyring is not null);
    }

    /// <summary>The compressed keyring tarball; its entries carry the key's creation time so equal keys give equal bytes.</summary>
    private byte[] Build(string name, string? model) => Compress(tar => keys.WriteKeyringTarball(name, tar, keys.Describe(name).Created, model));

    /// <summary>
    /// The blacklist: <c>{"type": "blacklist"}</c> and the revoked public keys in the order they were revoked (none on a
    /// fresh tree, as the classic server publishes it). Its members carry the newest revocation's time (the Unix epoch
    /// when empty), so the same revocations always give the same bytes.
    /// </summary>
    internal static byte[] BuildBlacklist(IReadOnlyCollection<RevokedKey> revoked)
    {
        var ordered = revoked.OrderBy(k => k.RevokedAt).ThenBy(k => k.Fingerprint, StringComparer.Ordinal).ToList();
        var mtime = ordered.Count == 0 ? DateTimeOffset.UnixEpoch : DateTimeOffset.FromUnixTimeSeconds(ordered[^1].RevokedAt.ToUnixTimeSeconds());
        var rings = ordered.Select(k => new PgpPublicKeyRing(k.PublicKey)).ToList();
        return Compress(tar => KeyringTarball.Write(tar, KeyNames.Blacklist, rings, expiry: null, model: null, mtime));
    }

    private static byte[] Compress(Action<Stream> writeTar)
    {
        using var tar = new MemoryStream();
        writeTar(tar);
        tar.Position = 0;
        using var compressed = new MemoryStream();
        using (var xz = new XzEncoderStream(compressed, SmallFileXz.Settings, leaveOpen: true))
        {
            tar.CopyTo(xz);
        }

        return compressed.ToArray();
    }

    /// <summary>
    /// Stages the keyring unless the published one is the same keyring: the same bytes, or the same type and keys (each
    /// with its validity), as one written by another server (an adopted classic tree) is, whose tar headers and
    /// keyring.json differ. Devices then keep the bytes they have. A keyring of the server's own keys takes its expiry
    /// from them, so only the keys are compared; an uploaded one (<paramref name="strict"/>) must also have the same
    /// expiry, and the same model unless the published one names none.
    /// </summary>
    private int StageIfChanged(TreeBatch batch, string path, byte[] content, string signerKey, bool forceSign, bool strict)
    {
        var full = Full(path);
        var published = File.Exists(full) ? File.ReadAllBytes(full) : null;
        var same = published is not null && (published.AsSpan().SequenceEqual(content) || SameKeyring(published, content, strict));
        if (same && !forceSign && signatures.Verifies(path, published))
        {
            return 0;
        }

        if (!same)
        {
            batch.Stage(path, content);
        }

        batch.Stage(TreeLayout.Signature(path), signer.SignDetached(same ? published! : content, signerKey));
        return 1;
    }

    private static bool SameKeyring(byte[] published, byte[] intended, bool strict)
    {
        if (Read(published) is not { } old || Read(intended) is not { } wanted || old.Type != wanted.Type)
        {
            return false;
        }

        if (strict && (old.Expiry != wanted.Expiry || (old.Model is not null && old.Model != wanted.Model)))
        {
            return false;
        }

        static HashSet<(string, long)> Keys(KeyringContents contents) =>
            [.. contents.Keys.GetKeyRings().Select(r => (Convert.ToHexString(r.GetPublicKey().GetFingerprint()), r.GetPublicKey().GetValidSeconds()))];
        return Keys(old).SetEquals(Keys(wanted));
    }

    private static KeyringContents? Read(byte[] compressed)
    {
        try
        {
            using var xz = new XzDecoderStream(new MemoryStream(compressed));
            using var tar = new MemoryStream();
            xz.CopyTo(tar);
            tar.Position = 0;
            return KeyringTarball.Read(tar);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or PgpException)
        {
            return null;
        }
    }

    private string Full(string path) => TreePath.Resolve(options.Value.PublishRootFullPath, path);
}
