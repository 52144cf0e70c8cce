using System.Security.Claims;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>Turns the provider's ID token claims into our own principal: the claims a local user's sign-in carries.</summary>
public static class SingleSignOnClaims
{
    /// <summary>
    /// Our principal for the user the provider vouched for: name from <see cref="SingleSignOnOptions.NameClaim"/>
    /// (or the subject), the highest role <see cref="SingleSignOnOptions.RoleMap"/> gives any value of
    /// <see cref="SingleSignOnOptions.RoleClaim"/> (or <see cref="SingleSignOnOptions.DefaultRole"/>), surface
    /// <c>ui</c>, and <see cref="UserClaims.Sso"/> naming the issuer. Null when the user gets no role.
    /// </summary>
    public static ClaimsPrincipal? ToLocalPrincipalOrNull(ClaimsPrincipal external, SingleSignOnOptions options)
    {
        var role = RoleOrNull(external, options);
        var name = NameOf(external, options);
        if (role is null || name is null)
        {
            return null;
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, name),
                new Claim(ClaimTypes.Role, Roles.Name(role.Value)),
                new Claim(UserClaims.Surface, "ui"),
                new Claim(UserClaims.Sso, IssuerOf(external)),
            ],
            SingleSignOn.SchemeName);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The highest mapped role of the user's claim values, else the default role, else null.</summary>
    public static Role? RoleOrNull(ClaimsPrincipal external, SingleSignOnOptions options)
    {
        var mapped = external.FindAll(options.RoleClaim)
            .Select(c => options.RoleMap.TryGetValue(c.Value, out var role) ? Roles.Parse(role) : null)
            .Max();
        return mapped ?? Roles.Parse(options.DefaultRole);
    }

    /// <summary>The configured name claim, or the subject; null when the token has neither.</summary>
    public static string? NameOf(ClaimsPrincipal external, SingleSignOnOptions options) =>
        NonEmpty(external.FindFirstValue(options.NameClaim)) ?? NonEmpty(external.FindFirstValue("sub"));

    /// <summary>The <c>iss</c> claim, else the issuer recorded on the claims.</summary>
    public static string IssuerOf(ClaimsPrincipal external) =>
        NonEmpty(external.FindFirstValue("iss")) ?? external.Claims.FirstOrDefault()?.Issuer ?? "unknown";

    /// <summary>The values of the role claim, for logging a refusal.</summary>
    public static IReadOnlyList<string> RoleClaimValues(ClaimsPrincipal external, SingleSignOnOptions options) =>
        [.. external.FindAll(options.RoleClaim).Select(c => c.Value)];

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
