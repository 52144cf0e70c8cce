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

    public static Role RoleOf(ClaimsPrincipal user) => Roles.Parse(user.FindFirst(ClaimTypes.Role)?.Value) ?? Role.Viewer;
}
