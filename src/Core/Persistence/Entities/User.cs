namespace SystemImage.Core.Persistence.Entities;

/// <summary>A local account for the admin UI.</summary>
public sealed class User
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public Role Role { get; set; }

    /// <summary>The password hash in the host's format (ASP.NET Core Identity's hasher).</summary>
    public required string PasswordHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }
}
