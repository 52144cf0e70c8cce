using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SystemImage.Core.Compression;

namespace SystemImage.Core.Signing;

/// <summary>
/// A device-signing keyring made elsewhere (e.g. by the device vendor) and uploaded for one device: the public keys
/// devices will also trust for that device's index and files. The server publishes it as <c>device.tar.xz</c>, signed
/// by image-signing, and keeps signing with image-signing itself (devices accept either, SPEC §2).
/// </summary>
/// <param name="Keyring">The public key rings, re-encoded as binary OpenPGP (what <c>keyring.gpg</c> holds).</param>
/// <param name="Expiry">When devices stop trusting it: the uploaded keyring.json's <c>expiry</c>, else the earliest key expiry, else null.</param>
/// <param name="Fingerprints">Uppercase hex fingerprints of the primary keys.</param>
public sealed record UploadedKeyring(byte[] Keyring, DateTimeOffset? Expiry, IReadOnlyList<string> Fingerprints)
{
    /// <summary>Uploads larger than this are refused; a keyring of a few keys takes a few KiB.</summary>
    public const int MaxBytes = 1024 * 1024;

    private const int MaxUnpackedBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Reads an upload for <paramref name="device"/>: a <c>device-signing.tar.xz</c> keyring tarball, or OpenPGP public
    /// keys (binary or ASCII-armored). Returns the keyring, or the reason it is refused.
    /// </summary>
    public static (UploadedKeyring? Keyring, string? Refusal) Parse(byte[] upload, string device, DateTimeOffset now)
    {
        if (upload.Length == 0)
        {
            return (null, "The upload is empty.");
        }

        if (upload.Length > MaxBytes)
        {
            return (null, $"A keyring upload may hold at most {MaxBytes / 1024} KiB.");
        }

        try
        {
            return Xz.IsXz(upload) ? FromTarball(upload, device, now) : FromKeys(upload, declaredExpiry: null, now);
        }
        catch (Exception e) when (e is IOException or PgpException or InvalidDataException or InvalidOperationException or ArgumentException or FormatException)
        {
            return (null, $"Not a keyring: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static (UploadedKeyring?, string?) FromTarball(byte[] upload, string device, DateTimeOffset now)
    {
        using var tar = new MemoryStream();
        using (var xz = new XzDecoderStream(new MemoryStream(upload)))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = xz.Read(buffer)) > 0)
            {
                if (tar.Length + read > MaxUnpackedBytes)
                {
                    return (null, $"The keyring tarball unpacks to more than {MaxUnpackedBytes / (1024 * 1024)} MiB.");
                }

                tar.Write(buffer, 0, read);
            }
        }

        tar.Position = 0;
        var contents = KeyringTarball.Read(tar);
        if (contents.Type != KeyNames.DeviceSigning)
        {
            return (null, $"The keyring tarball's type is '{contents.Type}'; a device keyring must be '{KeyNames.DeviceSigning}'.");
        }

        if (contents.Model is { } model && model != device)
        {
            return (null, $"The keyring tarball is for model '{model}', not for device '{device}'.");
        }

        using var keys = new MemoryStream();
        contents.Keys.Encode(keys);
        return FromKeys(keys.ToArray(), contents.Expiry, now);
    }

    private static (UploadedKeyring?, string?) FromKeys(byte[] data, DateTimeOffset? declaredExpiry, DateTimeOffset now)
    {
        if (System.Text.Encoding.ASCII.GetString(data, 0, Math.Min(data.Length, 4096)).Contains("PRIVATE KEY BLOCK", StringComparison.Ordinal))
        {
            return (null, "The upload holds a private key; send only the public keys (gpg --export, not --export-secret-keys).");
        }

        PgpPublicKeyRingBundle bundle;
        using (var decoded = PgpUtilities.GetDecoderStream(new MemoryStream(data)))
        {
            bundle = new PgpPublicKeyRingBundle(decoded);
        }

        var rings = bundle.GetKeyRings().ToList();
        if (rings.Count == 0)
        {
            return (null, "Not a keyring: the upload holds no OpenPGP public key (send gpg --export output or a device-signing.tar.xz keyring tarball).");
        }

        DateTimeOffset? earliest = null;
        foreach (var primary in rings.Select(r => r.GetPublicKey()))
        {
            var fingerprint = Convert.ToHexString(primary.GetFingerprint());
            if (primary.HasRevocation())
            {
                return (null, $"Key {fingerprint} is revoked.");
            }

            if (!CanSign(primary.Algorithm))
            {
                return (null, $"Key {fingerprint} uses {primary.Algorithm}, which cannot sign; devices need signing primary keys.");
            }

            if (primary.GetValidSeconds() is > 0 and var seconds)
            {
                var expires = new DateTimeOffset(primary.CreationTime, TimeSpan.Zero).AddSeconds(seconds);
                if (expires <= now)
                {
                    return (null, $"Key {fingerprint} expired on {expires:u}.");
                }

                earliest = earliest is { } e && e < expires ? e : expires;
            }
        }

        var expiry = declaredExpiry ?? earliest;
        if (expiry is { } at && at <= now)
        {
            return (null, $"The keyring expired on {at:u}.");
        }

        using var encoded = new MemoryStream();
        foreach (var ring in rings)
        {
            ring.Encode(encoded);
        }

        return (new UploadedKeyring(encoded.ToArray(), expiry, [.. rings.Select(r => Convert.ToHexString(r.GetPublicKey().GetFingerprint()))]), null);
    }

    /// <summary>The key rings of <see cref="Keyring"/> (already validated on upload).</summary>
    public static IReadOnlyList<PgpPublicKeyRing> Rings(byte[] keyring) => [.. new PgpPublicKeyRingBundle(keyring).GetKeyRings()];

    private static bool CanSign(PublicKeyAlgorithmTag algorithm) => algorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign
        or PublicKeyAlgorithmTag.Dsa or PublicKeyAlgorithmTag.ECDsa or PublicKeyAlgorithmTag.EdDsa_Legacy or PublicKeyAlgorithmTag.Ed25519 or PublicKeyAlgorithmTag.Ed448;
}
