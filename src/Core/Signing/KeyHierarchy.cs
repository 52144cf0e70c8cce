namespace SystemImage.Core.Signing;

/// <summary>
/// Who signs which keyring, and the size and lifetime each key is generated with.
/// archive-master (root of trust) → image-master → image-signing → device-signing; the blacklist keyring (revoked keys,
/// no key of its own) is signed by image-master.
/// </summary>
public static class KeyHierarchy
{
    /// <summary>The key whose signature (<c>&lt;name&gt;.tar.xz.asc</c>) vouches for the keyring <paramref name="name"/>.</summary>
    public static string SignerOf(string name) => name switch
    {
        KeyNames.ArchiveMaster => KeyNames.ArchiveMaster,
        KeyNames.ImageMaster => KeyNames.ArchiveMaster,
        KeyNames.ImageSigning => KeyNames.ImageMaster,
        KeyNames.Blacklist => KeyNames.ImageMaster,
        KeyNames.DeviceSigning => KeyNames.ImageSigning,
        _ => throw new ArgumentException($"Unknown key name '{name}'.", nameof(name)),
    };

    /// <summary>RSA modulus size for the key <paramref name="name"/>: masters use MasterKeyBits, the others SigningKeyBits.</summary>
    public static int BitsOf(string name, SigningOptions options) =>
        KeyNames.IsMaster(Known(name)) ? options.MasterKeyBits : options.SigningKeyBits;

    /// <summary>How long the key <paramref name="name"/> is valid after creation, or null when it never expires.</summary>
    public static TimeSpan? ValidityOf(string name, SigningOptions options)
    {
        var days = Known(name) switch
        {
            KeyNames.ArchiveMaster => options.ArchiveMasterExpiryDays,
            KeyNames.ImageMaster => options.ImageMasterExpiryDays,
            KeyNames.ImageSigning => options.ImageSigningExpiryDays,
            KeyNames.DeviceSigning => options.DeviceSigningExpiryDays,
            _ => 0,
        };
        return days > 0 ? TimeSpan.FromDays(days) : null;
    }

    private static string Known(string name) =>
        KeyNames.IsKnown(name) ? name : throw new ArgumentException($"Unknown key name '{name}'.", nameof(name));
}
