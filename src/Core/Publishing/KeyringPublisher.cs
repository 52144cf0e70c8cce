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
            staged += StageIfChanged(batch, path, content, KeyHierarchy.SignerOf(name), forceSign);
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
        return StageIfChanged(batch, TreeLayout.DeviceKeyring(channel, device.Name), content, KeyHierarchy.SignerOf(KeyNames.DeviceSigning), forceSign);
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

    private int StageIfChanged(TreeBatch batch, string path, byte[] content, string signerKey, bool forceSign)
    {
        var full = Full(path);
        var same = File.Exists(full) && File.ReadAllBytes(full).AsSpan().SequenceEqual(content);
        if (same && !forceSign && signatures.Verifies(path, content))
        {
            return 0;
        }

        if (!same)
        {
            batch.Stage(path, content);
        }

        batch.Stage(TreeLayout.Signature(path), signer.SignDetached(content, signerKey));
        return 1;
    }

    private string Full(string path) => TreePath.Resolve(options.Value.PublishRootFullPath, path);
}
