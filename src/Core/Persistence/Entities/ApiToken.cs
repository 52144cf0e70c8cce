namespace SystemImage.Core.Persistence.Entities;

/// <summary>A bearer token for the REST API. Only the SHA-256 of its secret is stored; the secret is shown once.</summary>
public sealed class ApiToken
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public Role Role { get; set; }

    /// <summary>Lowercase hex SHA-256 of the secret.</summary>
    public required string SecretHash { get; set; }

    /// <summary>The secret's first characters, to recognise a token in listings without revealing it.</summary>
    public required string Prefix { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}
