using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Security;

/// <summary>Role names as the API, the verbs and the configuration write them: <c>viewer</c>, <c>publisher</c>, <c>admin</c>.</summary>
public static class Roles
{
    public static string Name(Role role) => role.ToString().ToLowerInvariant();

    /// <summary>The role named <paramref name="name"/> (any case), or null.</summary>
    public static Role? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "viewer" => Role.Viewer,
        "publisher" => Role.Publisher,
        "admin" => Role.Admin,
        _ => null,
    };

    public const string Known = "viewer, publisher or admin";
}
