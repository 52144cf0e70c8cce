using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SystemImage.Core.Signing;

/// <summary>
/// The server's OpenPGP keys in the secrets directory (mode 0700): for each key in <see cref="KeyNames.All"/>,
/// <c>&lt;name&gt;.sec</c> (binary secret key ring, unprotected) and <c>&lt;name&gt;.pub</c> (binary public key ring),
/// both mode 0600. Other files there (such as the <c>blacklist.sec</c> of earlier versions) are ignored and left alone.
/// Keys are loaded once and are safe to use from many threads; a key file replaced by another process (a verb rotating
/// or adopting keys while the server runs) is read again on the key's next use.
/// Private key material is never logged and never appears in ToString.
/// </summary>
public sealed class KeyStore(string secretsDir, IOptions<SigningOptions> options, KeyGenerator generator, ILogger<KeyStore> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private volatile IReadOnlyDictionary<string, LoadedKey>? _keys;

    /// <summary>The secrets directory, as an absolute path.</summary>
    public string SecretsDir { get; } = Path.GetFullPath(secretsDir);

    /// <summary>True when the secret and public files of every key exist.</summary>
    public bool HasKeys => KeyNames.All.All(name => File.Exists(SecretPath(name)) && File.Exists(PublicPath(name)));

    /// <summary>Path of the secret key ring file of <paramref name="name"/>.</summary>
    public string SecretPath(string name) => Path.Combine(SecretsDir, $"{Known(name)}.sec");

    /// <summary>Path of the public key ring file of <paramref name="name"/>.</summary>
    public string PublicPath(string name) => Path.Combine(SecretsDir, $"{Known(name)}.pub");

    /// <summary>
    /// Generates every key of the hierarchy and writes it. Refuses (and changes nothing) when any key file
    /// exists, unless <paramref name="force"/> is set. The new keys replace the loaded ones.
    /// </summary>
    public KeyGenerationResult GenerateAll(bool force)
    {
        lock (_gate)
        {
            if (!force && KeyNames.All.Any(name => File.Exists(SecretPath(name)) || File.Exists(PublicPath(name))))
            {
                logger.LogWarning("Keys already exist in {SecretsDir}; not overwriting them", SecretsDir);
                return KeyGenerationResult.KeysExist;
            }

            var rings = new Dictionary<string, PgpSecretKeyRing>(StringComparer.Ordinal);
            foreach (var name in KeyNames.All)
            {
                var bits = KeyHierarchy.BitsOf(name, options.Value);
                logger.LogDebug("Generating {Key} key ({Bits} bits)", name, bits);
                rings[name] = generator.Generate(name, bits, KeyHierarchy.ValidityOf(name, options.Value));
            }

            SecretFile.EnsurePrivateDirectory(SecretsDir);
            foreach (var (name, ring) in rings)
            {
                SecretFile.Write(SecretPath(name), ring.GetEncoded());
                SecretFile.Write(PublicPath(name), PublicRingOf(ring).GetEncoded());
                logger.LogDebug("Wrote {Key} key {Fingerprint}", name, Convert.ToHexString(ring.GetPublicKey().GetFingerprint()));
            }

            Replace(rings.ToDictionary(pair => pair.Key, pair => new LoadedKey(pair.Key, pair.Value, StampOf(SecretPath(pair.Key))), StringComparer.Ordinal));
            return KeyGenerationResult.Generated;
        }
    }

    /// <summary>
    /// Replaces the key <paramref name="name"/> with a new one (same size and validity rules) and writes it; the other
    /// keys stay. The caller re-signs what the old key signed.
    /// </summary>
    public KeyInfo Regenerate(string name)
    {
        Known(name);
        lock (_gate)
        {
            var current = new Dictionary<string, LoadedKey>(_keys ?? LoadAllUnlocked(), StringComparer.Ordinal);
            var ring = generator.Generate(name, KeyHierarchy.BitsOf(name, options.Value), KeyHierarchy.ValidityOf(name, options.Value));
            SecretFile.Write(SecretPath(name), ring.GetEncoded());
            SecretFile.Write(PublicPath(name), PublicRingOf(ring).GetEncoded());
            current[name] = new LoadedKey(name, ring, StampOf(SecretPath(name)));
            Replace(current);
            logger.LogInformation("Replaced the {Key} key with {Fingerprint}", name, Convert.ToHexString(ring.GetPublicKey().GetFingerprint()));
        }

        return Describe(name);
    }

    /// <summary>
    /// Replaces every key with <paramref name="rings"/> (one unprotected secret key ring per name of
    /// <see cref="KeyNames.All"/>, e.g. another server's keys being adopted) and writes them. The caller re-signs the tree.
    /// </summary>
    public void Install(IReadOnlyDictionary<string, PgpSecretKeyRing> rings)
    {
        if (KeyNames.All.FirstOrDefault(name => !rings.ContainsKey(name)) is { } missing)
        {
            throw new ArgumentException($"The key '{missing}' is missing.", nameof(rings));
        }

        lock (_gate)
        {
            SecretFile.EnsurePrivateDirectory(SecretsDir);
            var loaded = new Dictionary<string, LoadedKey>(StringComparer.Ordinal);
            foreach (var name in KeyNames.All)
            {
                SecretFile.Write(SecretPath(name), rings[name].GetEncoded());
                SecretFile.Write(PublicPath(name), PublicRingOf(rings[name]).GetEncoded());
                loaded[name] = new LoadedKey(name, rings[name], StampOf(SecretPath(name)));
                logger.LogInformation("Installed the {Key} key {Fingerprint}", name, Convert.ToHexString(rings[name].GetPublicKey().GetFingerprint()));
            }

            Replace(loaded);
        }
    }

    /// <summary>(Re)reads every key from the secrets directory. Throws when a key file is missing or unreadable.</summary>
    public void Load()
    {
        lock (_gate)
        {
            LoadLocked();
        }
    }

    /// <summary>The secret primary key of <paramref name="name"/>.</summary>
    public PgpSecretKey GetSecretKey(string name) => Get(name).Ring.GetSecretKey();

    /// <summary>The transferable public key of <paramref name="name"/> (primary key, user id, self-signature).</summary>
    public PgpPublicKeyRing GetPublicKeyRing(string name) => Get(name).PublicRing;

    /// <summary>Public facts about the key <paramref name="name"/>.</summary>
    public KeyInfo Describe(string name)
    {
        var key = Get(name).PublicRing.GetPublicKey();
        var created = new DateTimeOffset(DateTime.SpecifyKind(key.CreationTime, DateTimeKind.Utc));
        var validSeconds = key.GetValidSeconds();
        return new KeyInfo(
            name,
            Convert.ToHexString(key.GetFingerprint()),
            key.KeyId.ToString("X16"),
            created,
            validSeconds > 0 ? created.AddSeconds(validSeconds) : null,
            key.BitStrength);
    }

    /// <summary>
    /// Writes the uncompressed keyring tarball of <paramref name="name"/>: its public key ring, and as expiry
    /// the key's own expiry (image-signing and device-signing always have one; masters only when configured).
    /// The tarball must be signed by <see cref="KeyHierarchy.SignerOf"/>.
    /// </summary>
    public void WriteKeyringTarball(string name, Stream output, DateTimeOffset mtime, string? model = null) =>
        KeyringTarball.Write(output, name, [GetPublicKeyRing(name)], Describe(name).Expiry, model, mtime);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var key in _keys?.Values ?? [])
            {
                if (key.Signing.IsValueCreated)
                {
                    key.Signing.Value.Dispose();
                }
            }

            Replace(null);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"KeyStore({SecretsDir})";

    internal SigningKey GetSigningKey(string name) => Get(name).Signing.Value;

    private LoadedKey Get(string name)
    {
        Known(name);
        if (_keys is not { } keys || IsReplaced(name, keys[name]))
        {
            lock (_gate)
            {
                if (_keys is not { } current || IsReplaced(name, current[name]))
                {
                    LoadLocked();
                }
            }
        }

        return _keys![name];
    }

    /// <summary>True when the loaded key's file has been replaced since it was read (a file gone is not a replacement).</summary>
    private bool IsReplaced(string name, LoadedKey key) => StampOf(SecretPath(name)) is { } now && now != key.Stamp;

    /// <summary>When the key file was last replaced (every write is a rename of a new file), or null when it is gone.</summary>
    private static DateTime? StampOf(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.LastWriteTimeUtc : null;
    }

    private void LoadLocked() => LoadAllUnlocked();

    private IReadOnlyDictionary<string, LoadedKey> LoadAllUnlocked()
    {
        var keys = new Dictionary<string, LoadedKey>(StringComparer.Ordinal);
        foreach (var name in KeyNames.All)
        {
            var path = SecretPath(name);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"Signing key '{name}' is missing: {path} does not exist. Run 'systemimage generate-keys'.");
            }

            var stamp = StampOf(path);
            keys[name] = new LoadedKey(name, new PgpSecretKeyRing(File.ReadAllBytes(path)), stamp);
        }

        Replace(keys);
        logger.LogInformation("Loaded {Count} signing keys from {SecretsDir}", keys.Count, SecretsDir);
        return keys;
    }

    // Keys being replaced may still be in use by a signer on another thread, so only Dispose releases
    // pooled RSA handles; replaced ones are left to their finalizers.
    private void Replace(IReadOnlyDictionary<string, LoadedKey>? keys) => _keys = keys;

    private static PgpPublicKeyRing PublicRingOf(PgpSecretKeyRing ring)
    {
        using var buffer = new MemoryStream();
        foreach (var key in ring.GetPublicKeys())
        {
            key.Encode(buffer);
        }

        return new PgpPublicKeyRing(buffer.ToArray());
    }

    private static string Known(string name) =>
        KeyNames.IsKnown(name) ? name : throw new ArgumentException($"Unknown key name '{name}'.", nameof(name));

    private sealed class LoadedKey(string name, PgpSecretKeyRing ring, DateTime? stamp)
    {
        public PgpSecretKeyRing Ring { get; } = ring;

        /// <summary>The key file's write time when it was read.</summary>
        public DateTime? Stamp { get; } = stamp;

        public PgpPublicKeyRing PublicRing { get; } = PublicRingOf(ring);

        public Lazy<SigningKey> Signing { get; } = new(() => new SigningKey(name, ring.GetSecretKey()));

        public override string ToString() => name;
    }
}
