using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SystemImage.Core.Signing;

/// <summary>Finds one primary key, by fingerprint, in OpenPGP public key data, as its transferable public key.</summary>
public static class PublicKeyFinder
{
    /// <summary>
    /// <paramref name="text"/> as a v4 fingerprint (40 uppercase hex digits), accepting what people paste: spaces,
    /// lowercase, a <c>0x</c> prefix. Null when it is not one.
    /// </summary>
    public static string? NormalizeFingerprint(string text)
    {
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        if (compact.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            compact = compact[2..];
        }

        return compact.Length == 40 && compact.All(char.IsAsciiHexDigit) ? compact.ToUpperInvariant() : null;
    }

    /// <summary>The transferable public key (binary) of the primary key <paramref name="fingerprint"/> in a stored, binary keyring; or null.</summary>
    public static byte[]? FindInKeyring(byte[] keyring, string fingerprint) =>
        UploadedKeyring.Rings(keyring).FirstOrDefault(ring => FingerprintOf(ring.GetPublicKey()) == fingerprint)?.GetEncoded();

    /// <summary>
    /// The transferable public key (binary) of the primary key <paramref name="fingerprint"/> in keys someone supplied
    /// (<c>gpg --export</c> output, binary or ASCII-armored, public keys only); or why there is none.
    /// </summary>
    public static (byte[]? Key, string? Refusal) FromSupplied(byte[] data, string fingerprint)
    {
        if (data.Length > UploadedKeyring.MaxBytes)
        {
            return (null, $"The supplied public key may hold at most {UploadedKeyring.MaxBytes / 1024} KiB.");
        }

        List<PgpPublicKeyRing> rings;
        try
        {
            (rings, var refusal) = Read(data);
            if (refusal is not null)
            {
                return (null, refusal);
            }
        }
        catch (Exception e) when (e is IOException or PgpException or InvalidOperationException or ArgumentException)
        {
            return (null, $"The supplied data is not an OpenPGP public key (send gpg --export output): {e.Message.ReplaceLineEndings(" ")}");
        }

        if (rings.FirstOrDefault(ring => FingerprintOf(ring.GetPublicKey()) == fingerprint) is { } match)
        {
            return (match.GetEncoded(), null);
        }

        if (rings.FirstOrDefault(ring => ring.GetPublicKeys().Any(key => !key.IsMasterKey && FingerprintOf(key) == fingerprint)) is { } parent)
        {
            return (null, $"{fingerprint} is a subkey of {FingerprintOf(parent.GetPublicKey())}; devices check only primary keys, so revoke the primary key.");
        }

        var held = rings.Count == 0 ? "no key" : string.Join(", ", rings.Select(r => FingerprintOf(r.GetPublicKey())));
        return (null, $"The supplied public key is not {fingerprint} (it holds {held}).");
    }

    private static (List<PgpPublicKeyRing> Rings, string? Refusal) Read(byte[] data)
    {
        using var decoded = PgpUtilities.GetDecoderStream(new MemoryStream(data));
        var factory = new PgpObjectFactory(decoded);
        var rings = new List<PgpPublicKeyRing>();
        while (factory.NextPgpObject() is { } item)
        {
            switch (item)
            {
                case PgpPublicKeyRing ring:
                    rings.Add(ring);
                    break;
                case PgpSecretKeyRing:
                    return ([], "The supplied data holds a private key; send only the public key (gpg --export, not --export-secret-keys).");
                default:
                    return ([], $"The supplied data holds an OpenPGP {item.GetType().Name}, not a public key (send gpg --export output).");
            }
        }

        return (rings, null);
    }

    private static string FingerprintOf(PgpPublicKey key) => Convert.ToHexString(key.GetFingerprint());
}
