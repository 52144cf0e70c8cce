using System.Globalization;
using System.Security.Claims;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Security;

/// <summary>The claims our sign-ins carry, and what Core needs of them.</summary>
public static class UserClaims
{
    public const string Surface = "systemimage:surface";

    public const string TokenId = "systemimage:token";

    /// <summary>On users signed in through single sign-on: the issuer (the OpenID provider) that vouched for them.</summary>
    public const string Sso = "systemimage:sso";

    /// <summary>On local users: their account's id.</summary>
    public const string UserId = "systemimage:user";

    /// <summary>On local users: the account's security stamp when the session began; a session whose stamp is no longer the account's has ended.</summary>
    public const string SecurityStamp = "systemimage:stamp";

    /// <summary>On local users whose password is a one-time password: nothing but changing it is allowed.</summary>
    public const string MustChangePassword = "systemimage:must-change-password";

    /// <summary>The claims of a local user's session: name, role, surface <c>ui</c>, account id, security stamp and, when due, the password change.</summary>
    public static IReadOnlyList<Claim> ForSession(UserSession session)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.Name, session.User.Name),
            new(ClaimTypes.Role, session.User.Role),
            new(Surface, "ui"),
            new(UserId, session.User.Id.ToString(CultureInfo.InvariantCulture)),
            new(SecurityStamp, session.SecurityStamp),
        ];
        if (session.User.MustChangePassword)
        {
            claims.Add(new Claim(MustChangePassword, "true"));
        }

        return claims;
    }

    /// <summary>
    /// The actor for audit entries: the token's or user's name and the surface it came through. Single sign-on users
    /// are written <c>sso:NAME</c>, so they are never mistaken for a local user of the same name.
    /// </summary>
    public static Actor ToActor(this ClaimsPrincipal user)
    {
        var name = user.Identity?.Name ?? "anonymous";
        return new(IsSingleSignOn(user) ? "sso:" + name : name, user.FindFirst(Surface)?.Value ?? "api");
    }

    /// <summary>Whether the user signed in through the OpenID provider rather than with a local password or token.</summary>
    public static bool IsSingleSignOn(ClaimsPrincipal user) => user.HasClaim(c => c.Type == Sso);

    /// <summary>The local account id of a password session, or null (tokens, single sign-on, no sign-in).</summary>
    public static int? UserIdOrNull(ClaimsPrincipal user) =>
        int.TryParse(user.FindFirst(UserId)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>Whether the session's password is a one-time password that must be changed before anything else.</summary>
    public static bool MustChange(ClaimsPrincipal user) => user.HasClaim(c => c.Type == MustChangePassword);

    public static Role RoleOf(ClaimsPrincipal user) => Roles.Parse(user.FindFirst(ClaimTypes.Role)?.Value) ?? Role.Viewer;
}
