using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Security;

/// <summary>
/// Local user accounts for the admin UI, as admins manage them: passwords hashed by the host's hasher, one role
/// each, disabling and removing. A password someone else sets is a one-time password its user must replace at their
/// next sign-in. Every change of password, role or state ends the user's sessions (a new security stamp), and the
/// last enabled admin can be neither demoted, disabled nor removed.
/// </summary>
public sealed class UserService(IDbContextFactory<SystemImageDbContext> dbFactory, IPasswordHashing hashing, AuditLog audit, TimeProvider time)
{
    public const int MaximumNameLength = 100;

    /// <param name="mustChangePassword">The user must choose their own password at their first sign-in (the password came from someone else).</param>
    public async Task<OperationResult> AddAsync(
        string name, Role role, string password, Actor actor, CancellationToken cancellationToken, bool mustChangePassword = false)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaximumNameLength || name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return OperationResult.Invalid($"A user name needs 1 to {MaximumNameLength} characters, without spaces or control characters.");
        }

        if (Passwords.ProblemOrNull(password) is { } problem)
        {
            return OperationResult.Invalid(problem);
        }

        var hash = hashing.Hash(password);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Users.AnyAsync(u => u.Name == name, cancellationToken))
        {
            return OperationResult.Conflict($"User '{name}' already exists.");
        }

        db.Users.Add(new User
        {
            Name = name,
            Role = role,
            PasswordHash = hash,
            SecurityStamp = Passwords.NewSecurityStamp(),
            MustChangePassword = mustChangePassword,
            CreatedAt = time.GetUtcNow(),
        });
        audit.Record(db, actor, "add-user", name, null, AuditChange.Created($"user '{name}', role {Roles.Name(role)}{(mustChangePassword ? ", one-time password" : "")}"));
        await db.SaveChangesAsync(cancellationToken);
        return OperationResult.Ok($"Added user '{name}' ({Roles.Name(role)}).");
    }

    /// <summary>
    /// When there is no user at all, adds <c>admin</c> with a random one-time password and returns that password (to
    /// be shown once; it must be changed at the first sign-in); otherwise null.
    /// </summary>
    public async Task<string?> EnsureInitialAdminAsync(CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Users.AnyAsync(cancellationToken))
            {
                return null;
            }
        }

        var password = Passwords.Generate();
        var result = await AddAsync("admin", Role.Admin, password, Actor.System, cancellationToken, mustChangePassword: true);
        return result.Succeeded ? password : null;
    }

    public async Task<IReadOnlyList<UserInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        return [.. (await db.Users.AsNoTracking().OrderBy(u => u.Name).ToListAsync(cancellationToken)).Select(u => UserInfo.Of(u, now))];
    }

    public async Task<UserInfo?> GetOrNullAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Name == name.Trim(), cancellationToken);
        return user is null ? null : UserInfo.Of(user, time.GetUtcNow());
    }

    /// <summary>Gives <paramref name="name"/> another role; their sessions end, so the new role applies from their next sign-in.</summary>
    public Task<OperationResult> SetRoleAsync(string name, Role role, Actor actor, CancellationToken cancellationToken) =>
        ChangeAsync(name, async (db, user) =>
        {
            if (user.Role == role)
            {
                return OperationResult.Ok($"User '{user.Name}' already is {Roles.Name(role)}.");
            }

            if (role < Role.Admin && await IsLastEnabledAdminAsync(db, user, cancellationToken))
            {
                return LastAdmin(user, "demoted");
            }

            audit.Record(db, actor, "set-user-role", user.Name, null, new AuditChange($"role {Roles.Name(user.Role)}", $"role {Roles.Name(role)}, sessions ended"));
            user.Role = role;
            user.SecurityStamp = Passwords.NewSecurityStamp();
            return OperationResult.Ok($"User '{user.Name}' is now {Roles.Name(role)}; their sessions have ended.");
        }, cancellationToken);

    /// <summary>
    /// Sets a one-time password for <paramref name="name"/> (a reset by an admin or operator): their sessions end, a
    /// lockout is lifted, and they must choose their own password at their next sign-in.
    /// </summary>
    public async Task<OperationResult> SetPasswordAsync(string name, string password, Actor actor, CancellationToken cancellationToken)
    {
        if (Passwords.ProblemOrNull(password) is { } problem)
        {
            return OperationResult.Invalid(problem);
        }

        var hash = hashing.Hash(password);
        return await ChangeAsync(name, (db, user) =>
        {
            audit.Record(db, actor, "set-user-password", user.Name, null, new AuditChange("password of its own choosing or earlier one-time password", "new one-time password, sessions ended"));
            user.PasswordHash = hash;
            user.MustChangePassword = true;
            user.SecurityStamp = Passwords.NewSecurityStamp();
            (user.FailedSignIns, user.LockedUntil) = (0, null);
            return Task.FromResult(OperationResult.Ok($"Set a one-time password for '{user.Name}'; they must change it at their next sign-in, and their sessions have ended."));
        }, cancellationToken);
    }

    /// <summary>Disables <paramref name="name"/> (no sign-in, every session ends) or enables them again (which also lifts a lockout).</summary>
    public Task<OperationResult> SetDisabledAsync(string name, bool disabled, Actor actor, CancellationToken cancellationToken) =>
        ChangeAsync(name, async (db, user) =>
        {
            var now = time.GetUtcNow();
            if (!disabled)
            {
                var locked = user.LockedUntil > now;
                if (user.DisabledAt is null && !locked)
                {
                    return OperationResult.Ok($"User '{user.Name}' already is enabled.");
                }

                audit.Record(db, actor, "enable-user", user.Name, null, new AuditChange(user.DisabledAt is null ? $"locked until {user.LockedUntil:u}" : "disabled", "enabled"));
                (user.DisabledAt, user.FailedSignIns, user.LockedUntil) = (null, 0, null);
                return OperationResult.Ok($"Enabled user '{user.Name}'.");
            }

            if (user.DisabledAt is not null)
            {
                return OperationResult.Ok($"User '{user.Name}' already is disabled.");
            }

            if (await IsLastEnabledAdminAsync(db, user, cancellationToken))
            {
                return LastAdmin(user, "disabled");
            }

            audit.Record(db, actor, "disable-user", user.Name, null, new AuditChange("enabled", "disabled, sessions ended"));
            user.DisabledAt = now;
            user.SecurityStamp = Passwords.NewSecurityStamp();
            return OperationResult.Ok($"Disabled user '{user.Name}'; their sessions have ended.");
        }, cancellationToken);

    /// <summary>Removes <paramref name="name"/>; their sessions end with the account.</summary>
    public Task<OperationResult> RemoveAsync(string name, Actor actor, CancellationToken cancellationToken) =>
        ChangeAsync(name, async (db, user) =>
        {
            if (await IsLastEnabledAdminAsync(db, user, cancellationToken))
            {
                return LastAdmin(user, "removed");
            }

            audit.Record(db, actor, "remove-user", user.Name, null, AuditChange.Removed($"user '{user.Name}', role {Roles.Name(user.Role)}{(user.DisabledAt is null ? "" : ", disabled")}"));
            db.Users.Remove(user);
            return OperationResult.Ok($"Removed user '{user.Name}'.");
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="change"/> on the user named <paramref name="name"/> inside a write transaction (so two
    /// admins cannot each remove the other, the last two admins), and saves it when it succeeds.
    /// </summary>
    private async Task<OperationResult> ChangeAsync(string name, Func<SystemImageDbContext, User, Task<OperationResult>> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Name == name.Trim(), cancellationToken);
        if (user is null)
        {
            return OperationResult.NotFound($"There is no user '{name.Trim()}'.");
        }

        var result = await change(db, user);
        if (result.Succeeded)
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return result;
    }

    private static async Task<bool> IsLastEnabledAdminAsync(SystemImageDbContext db, User user, CancellationToken cancellationToken) =>
        user.Role == Role.Admin && user.DisabledAt is null
        && !await db.Users.AnyAsync(u => u.Id != user.Id && u.Role == Role.Admin && u.DisabledAt == null, cancellationToken);

    private static OperationResult LastAdmin(User user, string what) =>
        OperationResult.Conflict($"User '{user.Name}' is the last enabled admin and cannot be {what}; make another user admin first.");
}
