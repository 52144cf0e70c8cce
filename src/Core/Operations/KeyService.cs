using SystemImage.Core.Audit;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;

namespace SystemImage.Core.Operations;

/// <summary>Generates the key hierarchy and republishes every keyring and signature made with it.</summary>
public sealed class KeyService(
    KeyStore keys,
    TreeLock treeLock,
    TreePublisher publisher,
    Maintenance.TreeMaintenance maintenance,
    IDbContextFactory<SystemImageDbContext> dbFactory,
    AuditLog audit,
    TimeProvider time)
{
    /// <summary>The keys <see cref="RotateAsync"/> replaces: devices trust them through a master key, so no device needs updating.</summary>
    public static readonly IReadOnlyList<string> Rotatable = [KeyNames.ImageSigning, KeyNames.DeviceSigning];

    /// <summary>
    /// Replaces <paramref name="name"/> (image-signing or device-signing) with a new key, publishes its keyring signed
    /// by its master, and re-signs every index and file the old key signed. The old public key is kept as a
    /// <see cref="RetiredKey"/>, so it can be revoked later.
    /// </summary>
    public async Task<OperationResult> RotateAsync(string name, Actor actor, CancellationToken cancellationToken)
    {
        if (!KeyNames.IsKnown(name))
        {
            return OperationResult.NotFound($"There is no key '{name}' (keys: {string.Join(", ", KeyNames.All)}).");
        }

        if (!Rotatable.Contains(name))
        {
            return OperationResult.Invalid(
                $"'{name}' is a master key that devices trust directly; only {string.Join(" and ", Rotatable)} can be rotated here (see generate-keys --force).");
        }

        KeyInfo before, after;
        await using (await treeLock.AcquireAsync(cancellationToken))
        {
            before = keys.Describe(name);
            var retired = new RetiredKey { Name = name, Fingerprint = before.Fingerprint, PublicKey = keys.GetPublicKeyRing(name).GetEncoded(), RetiredAt = time.GetUtcNow() };
            after = keys.Regenerate(name);
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.RetiredKeys.Add(retired);
            audit.Record(db, actor, "rotate-key", name, null,
                new AuditChange($"{before.Fingerprint}, expiring {before.Expiry:yyyy-MM-dd}", $"{after.Fingerprint}, expiring {after.Expiry:yyyy-MM-dd}"));
            await db.SaveChangesAsync(cancellationToken);
        }

        var resigned = await maintenance.ResignAsync(actor, cancellationToken);
        return resigned.Succeeded
            ? OperationResult.Ok($"Rotated {name}: {before.Fingerprint} replaced by {after.Fingerprint}, expiring {after.Expiry:yyyy-MM-dd}. {resigned.Message}")
            : resigned;
    }

    public async Task<OperationResult> GenerateAsync(bool force, Actor actor, CancellationToken cancellationToken)
    {
        await using (await treeLock.AcquireAsync(cancellationToken))
        {
            if (keys.HasKeys && !force)
            {
                return OperationResult.Conflict("Signing keys already exist; pass --force to replace them (devices will need the new archive-master key).");
            }

            var before = keys.HasKeys ? Fingerprints() : null;
            keys.GenerateAll(force);
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                audit.Record(db, actor, "generate-keys", "keys", null, new AuditChange(before ?? "no keys", Fingerprints()));
                await db.SaveChangesAsync(cancellationToken);
            }

            await publisher.PublishAsync(PublishRequest.All with { ForceSign = true }, CancellationToken.None);
        }

        return OperationResult.Ok($"Generated {string.Join(", ", KeyNames.All)} and re-signed the tree.");
    }

    private string Fingerprints() => string.Join(", ", KeyNames.All.Select(n => $"{n} {keys.Describe(n).Fingerprint}"));
}
