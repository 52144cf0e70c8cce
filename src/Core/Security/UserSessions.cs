using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Audit;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;

namespace SystemImage.Core.Security;

/// <summary>
/// People signing in with a local password: the check (which costs one password hash whether or not the user exists,
/// so timing tells nobody which names have accounts), the lockout after wrong passwords in a row, the audit and log
/// of refusals, changing one's own password, and whether a session's security stamp is still the user's.
/// </summary>
public sealed partial class UserSessions(
    IDbContextFactory<SystemImageDbContext> dbFactory,
    IPasswordHashing hashing,
    AuditLog audit,
    TimeProvider time,
    IOptions<SignInOptions> options,
    ILogger<UserSessions> logger)
{
    private static readonly Actor Anonymous = new("anonymous", "ui");

    /// <summary>What an unknown user's password is checked against: a real hash of a random password, made once.</summary>
    private readonly Lazy<string> _unknownUserHash = new(() => hashing.Hash(Passwords.Generate()));

    /// <summary>Checks <paramref name="name"/>'s password and, when it is right, starts a session (records the sign-in).</summary>
    /// <param name="client">Where the attempt came from (the client's address), for the log and the audit.</param>
    public async Task<SignInOutcome> SignInAsync(string name, string password, string client, CancellationToken cancellationToken)
    {
        name = name.Trim();
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = name.Length is 0 or > UserService.MaximumNameLength || password.Length > Passwords.MaximumLength
            ? null
            : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Name == name, cancellationToken);
        var matches = hashing.Verify(user?.PasswordHash ?? _unknownUserHash.Value, password.Length > Passwords.MaximumLength ? "" : password);
        SignInRefusal? refusal = user is null ? SignInRefusal.UnknownUser
            : user.DisabledAt is not null ? SignInRefusal.Disabled
            : user.LockedUntil > now ? SignInRefusal.LockedOut
            : !matches ? SignInRefusal.WrongPassword
            : null;
        if (refusal is { } refused)
        {
            // One commit whoever typed the name: a wrong password's count and its audit entry commit together, so a
            // known name costs no more disk writes than an unknown one and its timing does not tell it apart.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var what = refused == SignInRefusal.WrongPassword ? await CountFailureAsync(db, user!.Id, now, cancellationToken) : Describe(refused, user?.LockedUntil);
            await RecordRefusalAsync(db, "sign-in-failed", name, client, what, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new SignInOutcome(refused, null);
        }

        await db.Users.Where(u => u.Id == user!.Id).ExecuteUpdateAsync(
            s => s.SetProperty(u => u.LastSignInAt, now).SetProperty(u => u.FailedSignIns, 0).SetProperty(u => u.LockedUntil, (DateTimeOffset?)null),
            cancellationToken);
        user!.LastSignInAt = now;
        LogSignedIn(logger, user.Name, client);
        return new SignInOutcome(null, new UserSession(UserInfo.Of(user, now), user.SecurityStamp));
    }

    /// <summary>
    /// The signed-in user <paramref name="userId"/> replaces their password, proving the current one (a wrong one
    /// counts toward the lockout). Their other sessions end; the returned session (with the new stamp) replaces this one.
    /// </summary>
    public async Task<(OperationResult Result, UserSession? Session)> ChangePasswordAsync(
        int userId, string current, string replacement, string client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId && u.DisabledAt == null, cancellationToken);
        if (user is null)
        {
            return (OperationResult.NotFound("Your account no longer exists or has been disabled."), null);
        }

        var matches = current.Length <= Passwords.MaximumLength && hashing.Verify(user.PasswordHash, current);
        if (user.LockedUntil > now)
        {
            await RecordRefusalAsync(db, "change-password-failed", user.Name, client, Describe(SignInRefusal.LockedOut, user.LockedUntil), cancellationToken);
            return (OperationResult.Invalid("Too many wrong passwords: your account is locked for a few minutes."), null);
        }

        if (!matches)
        {
            var what = await CountFailureAsync(db, user.Id, now, cancellationToken);
            await RecordRefusalAsync(db, "change-password-failed", user.Name, client, what, cancellationToken);
            return (OperationResult.Invalid("The current password is wrong."), null);
        }

        if (Passwords.ProblemOrNull(replacement) is { } problem)
        {
            return (OperationResult.Invalid(problem), null);
        }

        if (hashing.Verify(user.PasswordHash, replacement))
        {
            return (OperationResult.Invalid("The new password must differ from the current one."), null);
        }

        audit.Record(db, new Actor(user.Name, "ui"), "change-password", user.Name, null,
            new AuditChange(user.MustChangePassword ? "one-time password" : "password", "password chosen by its user, other sessions ended"));
        user.PasswordHash = hashing.Hash(replacement);
        user.MustChangePassword = false;
        user.SecurityStamp = Passwords.NewSecurityStamp();
        (user.FailedSignIns, user.LockedUntil) = (0, null);
        await db.SaveChangesAsync(cancellationToken);
        LogPasswordChanged(logger, user.Name, client);
        return (OperationResult.Ok("Your password has been changed; your other sessions are signed out."), new UserSession(UserInfo.Of(user, now), user.SecurityStamp));
    }

    /// <summary>Ends every session of user <paramref name="userId"/> (signing out ends them all, not only this browser's).</summary>
    public async Task EndAllAsync(int userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, Passwords.NewSecurityStamp()), cancellationToken);
    }

    /// <summary>
    /// Whether <paramref name="user"/>'s session is still good: a local user's account exists, is enabled and still has
    /// the security stamp the session was given. Single sign-on sessions are the provider's and always pass.
    /// </summary>
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return false;
        }

        if (UserClaims.IsSingleSignOn(user))
        {
            return true;
        }

        if (UserClaims.UserIdOrNull(user) is not { } id || user.FindFirst(UserClaims.SecurityStamp)?.Value is not { Length: > 0 } stamp)
        {
            return false;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AnyAsync(u => u.Id == id && u.SecurityStamp == stamp && u.DisabledAt == null, cancellationToken);
    }

    /// <summary>Counts a wrong password; the one that reaches the limit locks the account (and starts the count again).</summary>
    private async Task<string> CountFailureAsync(SystemImageDbContext db, int userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxFailedAttempts;
        DateTimeOffset? until = now.AddMinutes(options.Value.LockoutMinutes);
        // One statement, so concurrent attempts cannot lose a count.
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(
            s => s
                .SetProperty(u => u.LockedUntil, u => u.FailedSignIns + 1 >= limit ? until : u.LockedUntil)
                .SetProperty(u => u.FailedSignIns, u => u.FailedSignIns + 1 >= limit ? 0 : u.FailedSignIns + 1),
            cancellationToken);
        var after = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.FailedSignIns, u.LockedUntil }).FirstAsync(cancellationToken);
        if (after.LockedUntil > now)
        {
            LogLockedOut(logger, userId, limit, after.LockedUntil.Value);
            return $"wrong password, {limit} in a row: locked until {after.LockedUntil:u}";
        }

        return $"wrong password ({after.FailedSignIns} of {limit} before a lockout)";
    }

    private async Task RecordRefusalAsync(SystemImageDbContext db, string action, string name, string client, string what, CancellationToken cancellationToken)
    {
        var shown = Printable(name);
        LogRefused(logger, shown, client, what);
        audit.Record(db, Anonymous, action, shown, null, AuditChange.Created($"refused from {client}: {what}"));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Describe(SignInRefusal refusal, DateTimeOffset? lockedUntil) => refusal switch
    {
        SignInRefusal.UnknownUser => "no such user",
        SignInRefusal.Disabled => "the account is disabled",
        SignInRefusal.LockedOut => $"the account is locked until {lockedUntil:u}",
        _ => "wrong password",
    };

    /// <summary>A typed name as logs and the audit show it: at most 100 characters, control characters replaced.</summary>
    private static string Printable(string name)
    {
        var cut = name.Length > UserService.MaximumNameLength ? name[..UserService.MaximumNameLength] + "…" : name;
        return string.Concat(cut.Select(c => char.IsControl(c) ? '?' : c));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused for {User} from {Client}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string user, string client, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} is locked out after {Attempts} wrong passwords in a row, until {Until}")]
    private static partial void LogLockedOut(ILogger logger, int userId, int attempts, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} signed in from {Client}")]
    private static partial void LogSignedIn(ILogger logger, string user, string client);

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} changed their password from {Client}; their other sessions end")]
    private static partial void LogPasswordChanged(ILogger logger, string user, string client);
}
