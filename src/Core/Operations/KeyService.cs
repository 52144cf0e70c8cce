using SystemImage.Core.Audit;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;

namespace SystemImage.Core.Operations;

/// <summary>Generates the key hierarchy and republishes every keyring and signature made with it.</summary>
public sealed class KeyService(
    KeyStore keys,
    PublishLock publishLock,
    TreePublisher publisher,
    IDbContextFactory<SystemImageDbContext> dbFactory,
    AuditLog audit)
{
    public async Task<OperationResult> GenerateAsync(bool force, Actor actor, CancellationToken cancellationToken)
    {
        await using (await publishLock.AcquireAsync(cancellationToken))
        {
            if (keys.HasKeys && !force)
            {
                return OperationResult.Conflict("Signing keys already exist; pass --force to replace them (devices will need the new archive-master key).");
            }

            keys.GenerateAll(force);
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                audit.Record(db, actor, "generate-keys", "keys", null, string.Join(", ", KeyNames.All.Select(n => $"{n} {keys.Describe(n).Fingerprint}")));
                await db.SaveChangesAsync(cancellationToken);
            }

            await publisher.PublishAsync(PublishRequest.All with { ForceSign = true }, CancellationToken.None);
        }

        return OperationResult.Ok($"Generated {KeyNames.All.Count} keys and re-signed the tree.");
    }
}
