using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Audit;

/// <summary>Adds audit entries to the same unit of work as the change they describe.</summary>
public sealed class AuditLog(TimeProvider time)
{
    public void Record(SystemImageDbContext db, Actor actor, string action, string target, string? channel, string? detail = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            Actor = actor.Name,
            Surface = actor.Surface,
            Action = action,
            Target = target,
            Channel = channel,
            Detail = detail,
        });
}
