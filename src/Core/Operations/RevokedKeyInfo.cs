using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Operations;

/// <summary>A key on the blacklist, as listings show it (without the key material).</summary>
/// <param name="Fingerprint">V4 fingerprint of the primary key, 40 uppercase hex digits.</param>
/// <param name="Label">Where the key was found, e.g. <c>image-signing</c> or <c>uploaded keyring of stable/mako</c>.</param>
/// <param name="RevokedAt">When it was revoked.</param>
/// <param name="RevokedBy">Who revoked it, as <c>name (surface)</c>.</param>
/// <param name="Reason">Why, when given.</param>
public sealed record RevokedKeyInfo(string Fingerprint, string Label, DateTimeOffset RevokedAt, string RevokedBy, string? Reason)
{
    public static RevokedKeyInfo Of(RevokedKey key) => new(key.Fingerprint, key.Label, key.RevokedAt, key.RevokedBy, key.Reason);
}
