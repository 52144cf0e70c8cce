using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;

namespace SystemImage.Core.Operations;

/// <summary>
/// The blacklist (<c>gpg/blacklist.tar.xz</c>, signed by image-master): revoked keys, whose signatures devices refuse.
/// A key is revoked by fingerprint; its public key is taken from the server's current or retired keys, from the
/// keyrings uploaded for devices, or from the caller.
/// </summary>
public sealed class KeyRevocation(
    KeyStore keys,
    TreeMutator mutator,
    IDbContextFactory<SystemImageDbContext> dbFactory,
    AuditLog audit,
    TimeProvider time)
{
    /// <summary>The current keys that may be revoked: those a rotation replaces. Devices trust the masters directly.</summary>
    public static IReadOnlyList<string> Revocable => KeyService.Rotatable;

    /// <summary>Longest reason kept with a revocation.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>
    /// Puts the key <paramref name="fingerprint"/> on the blacklist and publishes it. Refuses a fingerprint that is not
    /// 40 hex digits, the master keys, a key already revoked (Conflict) and a key found nowhere when
    /// <paramref name="publicKey"/> (gpg --export output, binary or armored) is not given (NotFound).
    /// </summary>
    public async Task<(OperationResult Result, RevokedKeyInfo? Revoked)> RevokeAsync(
        string fingerprint, byte[]? publicKey, string? reason, Actor actor, CancellationToken cancellationToken)
    {
        if (PublicKeyFinder.NormalizeFingerprint(fingerprint) is not { } wanted)
        {
            var shown = fingerprint.Length > 60 ? fingerprint[..60] + "…" : fingerprint;
            return (OperationResult.Invalid($"'{shown}' is not a key fingerprint: give the 40 hex digits of the primary key's fingerprint (gpg --fingerprint shows it; spaces are allowed)."), null);
        }

        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is not null && (reason.Length > MaxReasonLength || reason.Any(char.IsControl)))
        {
            return (OperationResult.Invalid($"A reason is one line of at most {MaxReasonLength} characters."), null);
        }

        byte[]? supplied = null;
        if (publicKey is { Length: > 0 })
        {
            var (key, refusal) = PublicKeyFinder.FromSupplied(publicKey, wanted);
            if (key is null)
            {
                return (OperationResult.Invalid(refusal!), null);
            }

            supplied = key;
        }

        RevokedKeyInfo? revoked = null;
        var result = await mutator.MutateAsync(async db =>
        {
            if (await db.RevokedKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Fingerprint == wanted, cancellationToken) is { } existing)
            {
                return OperationResult.Conflict($"{wanted} ({existing.Label}) already is on the blacklist: revoked {existing.RevokedAt:yyyy-MM-dd HH:mm} UTC by {existing.RevokedBy}.");
            }

            var current = KeyNames.All.FirstOrDefault(name => keys.Describe(name).Fingerprint == wanted);
            if (current is not null && KeyNames.IsMaster(current))
            {
                return OperationResult.Invalid(
                    $"{wanted} is the server's {current} key, which devices trust directly (the blacklist itself is checked with image-master), so it cannot be revoked; replace the whole key hierarchy with generate-keys --force instead.");
            }

            var (label, key) = current is not null ? (current, keys.GetPublicKeyRing(current).GetEncoded()) : await FindAsync(db, wanted, cancellationToken);
            if (key is null && supplied is not null)
            {
                (label, key) = ("from file", supplied);
            }

            if (key is null)
            {
                return OperationResult.NotFound(
                    $"No key {wanted} is known here (not a current or retired key of the server, nor in a device's uploaded keyring); supply its public key (gpg --export) to revoke it.");
            }

            // Whole milliseconds: what the database keeps of a time stamp, so the answer equals later listings.
            var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
            var row = new RevokedKey { Fingerprint = wanted, PublicKey = key, Label = label!, RevokedAt = now, RevokedBy = $"{actor.Name} ({actor.Surface})", Reason = reason };
            db.RevokedKeys.Add(row);
            var count = await db.RevokedKeys.CountAsync(cancellationToken) + 1;
            audit.Record(db, actor, "revoke-key", wanted, null,
                new AuditChange($"{label} key {wanted} trusted", $"{label} key {wanted} on the blacklist{(reason is null ? "" : $" ({reason})")}, {count} key(s) in all"));
            revoked = RevokedKeyInfo.Of(row);
            return new Mutation(OperationResult.Ok(Message(current, label!, wanted, count)), new PublishRequest { Keyrings = true });
        }, cancellationToken);
        return (result, result.Succeeded ? revoked : null);
    }

    /// <summary>Every revoked key, oldest revocation first.</summary>
    public async Task<IReadOnlyList<RevokedKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.RevokedKeys.AsNoTracking().ToListAsync(cancellationToken);
        return [.. rows.OrderBy(k => k.RevokedAt).ThenBy(k => k.Fingerprint, StringComparer.Ordinal).Select(RevokedKeyInfo.Of)];
    }

    /// <summary>The public key <paramref name="fingerprint"/> among the retired keys and the keyrings uploaded for devices.</summary>
    private static async Task<(string? Label, byte[]? Key)> FindAsync(SystemImageDbContext db, string fingerprint, CancellationToken cancellationToken)
    {
        if (await db.RetiredKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Fingerprint == fingerprint, cancellationToken) is { } retired)
        {
            return ($"retired {retired.Name}", retired.PublicKey);
        }

        var uploads = await db.Devices.AsNoTracking().Where(d => d.UploadedKeyring != null)
            .Select(d => new { Channel = d.Channel.Name, Device = d.Name, Keyring = d.UploadedKeyring! })
            .ToListAsync(cancellationToken);
        foreach (var upload in uploads.OrderBy(u => u.Channel, StringComparer.Ordinal).ThenBy(u => u.Device, StringComparer.Ordinal))
        {
            if (PublicKeyFinder.FindInKeyring(upload.Keyring, fingerprint) is { } key)
            {
                return ($"uploaded keyring of {upload.Channel}/{upload.Device}", key);
            }
        }

        return (null, null);
    }

    private static string Message(string? current, string label, string fingerprint, int count) => current switch
    {
        KeyNames.ImageSigning =>
            $"Revoked the current image-signing key {fingerprint}: devices now refuse everything it signs (channels.json, the indexes, the image files) until it is rotated; run 'rotate-key image-signing' now.",
        not null =>
            $"Revoked the current {current} key {fingerprint}: devices now refuse everything it signs until it is rotated; run 'rotate-key {current}' now.",
        _ => $"Revoked {label} key {fingerprint}: devices now refuse its signatures ({count} key(s) on the blacklist).",
    };
}
