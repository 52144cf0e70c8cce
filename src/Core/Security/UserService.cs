using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Security;

/// <summary>Local user accounts for the admin UI: passwords hashed by the host's hasher, one role each.</summary>
public sealed class UserService(IDbContextFactory<SystemImageDbContext> dbFactory, IPasswordHashing hashing, AuditLog audit, TimeProvider time)
{
    public const int MinimumPasswordLength = 12;

    public async Task<OperationResult> AddAsync(string name, Role role, string password, Actor actor, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100 || name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return OperationResult.Invalid("A user name needs 1 to 100 characters, without spaces or control characters.");
        }

        if (password.Length < MinimumPasswordLength)
        {
            return OperationResult.Invalid($"A password needs at least {MinimumPasswordLength} characters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Users.AnyAsync(u => u.Name == name, cancellationToken))
        {
            return OperationResult.Conflict($"User '{name}' already exists.");
        }

        db.Users.Add(new User { Name = name, Role = role, PasswordHash = hashing.Hash(password), CreatedAt = time.GetUtcNow() });
        audit.Record(db, actor, "add-user", name, null, AuditChange.Created($"user '{name}', role {Roles.Name(role)}"));
        await db.SaveChangesAsync(cancellationToken);
        return OperationResult.Ok($"Added user '{name}' ({Roles.Name(role)}).");
    }

    /// <summary>When there is no user at all, adds <c>admin</c> with a random password and returns that password (to be shown once); otherwise null.</summary>
    public async Task<string?> EnsureInitialAdminAsync(CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Users.AnyAsync(cancellationToken))
            {
                return null;
            }
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        var result = await AddAsync("admin", Role.Admin, password, Actor.System, cancellationToken);
        return result.Succeeded ? password : null;
    }

    /// <summary>The user when <paramref name="password"/> is theirs; records the sign-in.</summary>
    public async Task<UserInfo?> VerifyAsync(string name, string password, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Name == name.Trim(), cancellationToken);
        if (user is null || !hashing.Verify(user.PasswordHash, password))
        {
            return null;
        }

        user.LastSignInAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return UserInfo.Of(user);
    }

    public async Task<IReadOnlyList<UserInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return [.. (await db.Users.AsNoTracking().OrderBy(u => u.Name).ToListAsync(cancellationToken)).Select(UserInfo.Of)];
    }
}

/// <summary>A user as listings show it.</summary>
public sealed record UserInfo(int Id, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt)
{
    public static UserInfo Of(User user) => new(user.Id, user.Name, Roles.Name(user.Role), user.CreatedAt, user.LastSignInAt);
}
