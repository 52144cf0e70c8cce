using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Security;

/// <summary>A user as listings show it: never the password hash or the security stamp.</summary>
/// <param name="Disabled">An admin disabled the account.</param>
/// <param name="MustChangePassword">The password is a one-time password the user must replace at their next sign-in.</param>
/// <param name="LockedUntil">Until when sign-ins are refused after wrong passwords; null when not locked.</param>
public sealed record UserInfo(
    int Id, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt, bool Disabled, bool MustChangePassword, DateTimeOffset? LockedUntil)
{
    public static UserInfo Of(User user, DateTimeOffset now) => new(
        user.Id,
        user.Name,
        Roles.Name(user.Role),
        user.CreatedAt,
        user.LastSignInAt,
        user.DisabledAt is not null,
        user.MustChangePassword,
        user.LockedUntil > now ? user.LockedUntil : null);

    /// <summary>The account's state in a few words: <c>active</c>, <c>disabled</c>, <c>locked until …</c>, <c>must change password</c>.</summary>
    public string State => Disabled ? "disabled"
        : LockedUntil is { } until ? $"locked until {until:u}"
        : MustChangePassword ? "must change password"
        : "active";
}
