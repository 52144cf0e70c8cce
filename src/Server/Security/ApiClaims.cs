using System.Security.Claims;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>The claims our sign-ins carry, and what Core needs of them.</summary>
public static class ApiClaims
{
    public const string Surface = "systemimage:surface";

    public const string TokenId = "systemimage:token";

    /// <summary>The actor for audit entries: the token's or user's name and the surface it came through.</summary>
    public static Actor ToActor(this ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? "anonymous", user.FindFirstValue(Surface) ?? "api");

    public static Role RoleOf(ClaimsPrincipal user) => Roles.Parse(user.FindFirstValue(ClaimTypes.Role)) ?? Role.Viewer;
}
