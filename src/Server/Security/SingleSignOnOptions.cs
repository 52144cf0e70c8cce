using System.ComponentModel.DataAnnotations;

namespace SystemImage.Server.Security;

/// <summary>
/// Optional OpenID Connect sign-in for people (teams with single sign-on), beside the local password form. The
/// provider's groups or roles are mapped to our roles; everything else about the signed-in user is ours.
/// </summary>
public sealed class SingleSignOnOptions
{
    public const string SectionName = "SystemImage:Authentication:OpenIdConnect";

    /// <summary>Offer "Sign in with …" on the sign-in page. Default false: local users only.</summary>
    public bool Enabled { get; set; }

    /// <summary>The provider's issuer URL; its discovery document is at <c>{Authority}/.well-known/openid-configuration</c>. Required when enabled.</summary>
    public string? Authority { get; set; }

    /// <summary>This server's client id at the provider. Required when enabled.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret, for a confidential client; none for a public client (the code flow uses PKCE either way).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for, separated by spaces; must include <c>openid</c>. Default <c>openid profile email</c>.</summary>
    [Required]
    public string Scopes { get; set; } = "openid profile email";

    /// <summary>Text of the sign-in button: "Sign in with {DisplayName}". Default "Single sign-on".</summary>
    [Required]
    public string DisplayName { get; set; } = "Single sign-on";

    /// <summary>Type of the ID token claim that carries the user's groups or roles (one value or an array). Default <c>groups</c>.</summary>
    [Required]
    public string RoleClaim { get; set; } = "groups";

    /// <summary>
    /// Claim value (a group or role at the provider) → <c>viewer</c>, <c>publisher</c> or <c>admin</c>; a user with
    /// several mapped values gets the highest. Values are matched exactly (case-sensitive). Default empty.
    /// </summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Role of a user none of whose claim values is in <see cref="RoleMap"/>. Default none: such users are refused
    /// (no session) and told why.
    /// </summary>
    public string? DefaultRole { get; set; }

    /// <summary>Type of the ID token claim shown and audited as the user's name (the subject when absent). Default <c>preferred_username</c>.</summary>
    [Required]
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>Refuse an <c>http:</c> authority. Default true; turn off only for a provider on the same machine or in tests.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The scopes as a list.</summary>
    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
