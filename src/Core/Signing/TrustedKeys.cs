using SystemImage.Core.Compression;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SystemImage.Core.Signing;

/// <summary>
/// Public keys trusted to sign something, with the facts of the keyring tarball they came from. Only primary keys
/// are kept: a signature made with a subkey never counts (SPEC §2, as devices check).
/// </summary>
public sealed class TrustedKeys
{
    private readonly Dictionary<long, PgpPublicKey> _byKeyId;

    public TrustedKeys(IEnumerable<PgpPublicKey> keys, string? type = null, DateTimeOffset? expiry = null, string? model = null)
    {
        Keys = keys.Where(k => k.IsMasterKey).DistinctBy(k => Convert.ToHexString(k.GetFingerprint())).ToList();
        _byKeyId = Keys.GroupBy(k => k.KeyId).ToDictionary(g => g.Key, g => g.First());
        Type = type;
        Expiry = expiry;
        Model = model;
    }

    /// <summary>The primary keys.</summary>
    public IReadOnlyList<PgpPublicKey> Keys { get; }

    /// <summary>The keyring tarball's <c>type</c>, or null for a plain OpenPGP keyring.</summary>
    public string? Type { get; }

    /// <summary>The keyring tarball's <c>expiry</c>, or null.</summary>
    public DateTimeOffset? Expiry { get; }

    /// <summary>The keyring tarball's <c>model</c>, or null.</summary>
    public string? Model { get; }

    /// <summary>Uppercase hex fingerprints of <see cref="Keys"/>.</summary>
    public IEnumerable<string> Fingerprints => Keys.Select(k => Convert.ToHexString(k.GetFingerprint()));

    /// <summary>The trusted primary key with <paramref name="keyId"/>, or null.</summary>
    public PgpPublicKey? Find(long keyId) => _byKeyId.GetValueOrDefault(keyId);

    /// <summary>These keys and <paramref name="other"/>'s (the facts are this keyring's).</summary>
    public TrustedKeys Union(TrustedKeys other) => new(Keys.Concat(other.Keys), Type, Expiry, Model);

    /// <summary>These keys without those whose fingerprint <paramref name="revoked"/> lists (a blacklist).</summary>
    public TrustedKeys Except(TrustedKeys revoked)
    {
        var banned = revoked.Fingerprints.ToHashSet(StringComparer.Ordinal);
        return new TrustedKeys(Keys.Where(k => !banned.Contains(Convert.ToHexString(k.GetFingerprint()))), Type, Expiry, Model);
    }

    /// <summary>The keys of a compressed keyring tarball (<c>&lt;type&gt;.tar.xz</c>, see <see cref="KeyringTarball"/>).</summary>
    /// <exception cref="InvalidDataException">Not an xz-compressed keyring tarball.</exception>
    public static TrustedKeys FromKeyringTarXz(byte[] tarXz)
    {
        try
        {
            using var xz = new XzDecoderStream(new MemoryStream(tarXz));
            var contents = KeyringTarball.Read(xz);
            return new TrustedKeys(AllKeys(contents.Keys), contents.Type, contents.Expiry, contents.Model);
        }
        catch (Exception e) when (e is IOException or PgpException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new InvalidDataException($"not a valid keyring tarball: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>The keys of a binary (or ASCII-armored) OpenPGP public keyring.</summary>
    /// <exception cref="InvalidDataException">Not an OpenPGP public keyring, or one without keys.</exception>
    public static TrustedKeys FromOpenPgpKeyring(byte[] keyring)
    {
        try
        {
            using var decoded = PgpUtilities.GetDecoderStream(new MemoryStream(keyring));
            var keys = new TrustedKeys(AllKeys(new PgpPublicKeyRingBundle(decoded)));
            return keys.Keys.Count > 0 ? keys : throw new InvalidDataException("the keyring holds no public key");
        }
        catch (Exception e) when (e is IOException or PgpException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new InvalidDataException($"not an OpenPGP public keyring: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>Reads a keyring file: a keyring tarball when it starts with the xz magic bytes, an OpenPGP keyring otherwise.</summary>
    /// <exception cref="InvalidDataException">The file is neither.</exception>
    public static TrustedKeys Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return Xz.IsXz(bytes) ? FromKeyringTarXz(bytes) : FromOpenPgpKeyring(bytes);
    }


    private static IEnumerable<PgpPublicKey> AllKeys(PgpPublicKeyRingBundle bundle) =>
        bundle.GetKeyRings().SelectMany(ring => ring.GetPublicKeys());

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
