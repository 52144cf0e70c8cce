namespace SystemImage.Core.Persistence.Entities;

/// <summary>
/// A key devices must no longer trust: its public key is published in <c>gpg/blacklist.tar.xz</c>, and devices refuse
/// every signature made by a primary key the blacklist holds (SPEC §2).
/// </summary>
public sealed class RevokedKey
{
    public int Id { get; set; }

    /// <summary>V4 fingerprint of the primary key, 40 uppercase hex digits; unique.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>The transferable public key (binary OpenPGP: primary key, user ids, self-signatures) the blacklist carries.</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>Where the key was found, e.g. <c>image-signing</c>, <c>retired device-signing</c>, <c>uploaded keyring of stable/mako</c>, <c>from file</c>.</summary>
    public required string Label { get; set; }

    public DateTimeOffset RevokedAt { get; set; }

    /// <summary>Who revoked it, as <c>name (surface)</c>.</summary>
    public required string RevokedBy { get; set; }

    /// <summary>Why, in the operator's words; optional.</summary>
    public string? Reason { get; set; }
}
