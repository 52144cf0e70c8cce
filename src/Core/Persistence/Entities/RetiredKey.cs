namespace SystemImage.Core.Persistence.Entities;

/// <summary>
/// A signing key replaced by a rotation. Its public key is kept so that it can still be revoked (put on the
/// blacklist) later, for instance when it turns out to have leaked.
/// </summary>
public sealed class RetiredKey
{
    public int Id { get; set; }

    /// <summary>The key's name in the hierarchy when it was replaced, e.g. <c>image-signing</c>.</summary>
    public required string Name { get; set; }

    /// <summary>V4 fingerprint of the primary key, 40 uppercase hex digits; unique.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>The transferable public key (binary OpenPGP).</summary>
    public required byte[] PublicKey { get; set; }

    public DateTimeOffset RetiredAt { get; set; }
}
