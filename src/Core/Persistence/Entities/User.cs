namespace SystemImage.Core.Persistence.Entities;

/// <summary>A local account for the admin UI.</summary>
public sealed class User
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public Role Role { get; set; }

    /// <summary>The password hash in the host's format (ASP.NET Core Identity's hasher).</summary>
    public required string PasswordHash { get; set; }

    /// <summary>
    /// A random value every sign-in cookie of the user carries; changing it (sign-out, password or role change,
    /// disabling) ends all of the user's sessions at their next request.
    /// </summary>
    public required string SecurityStamp { get; set; }

    /// <summary>The password was set by someone else (the first start, an admin): the user must choose their own before doing anything else.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>When an admin disabled the account (no sign-in, no session); null while it is enabled.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>Wrong passwords in a row since the last sign-in or lockout.</summary>
    public int FailedSignIns { get; set; }

    /// <summary>Until when sign-ins are refused after too many wrong passwords in a row; null or past when not locked.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }
}
