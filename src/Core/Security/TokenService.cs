using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Security;

/// <summary>
/// API tokens: 256 random bits shown once as <c>sis_…</c>, stored as a SHA-256, with a name, a role, an optional
/// expiry, revocation and the last time they were used.
/// </summary>
public sealed class TokenService(IDbContextFactory<SystemImageDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public const string SecretPrefix = "sis_";

    /// <summary>How stale <see cref="ApiToken.LastUsedAt"/> may get before a use writes it again.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Creates a token; the secret in the result is the only time it is shown.</summary>
    public async Task<(OperationResult Result, TokenInfo? Token, string? Secret)> CreateAsync(
        string name, Role role, DateTimeOffset? expiresAt, Actor actor, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            return (OperationResult.Invalid("A token name needs 1 to 100 characters and no control characters."), null, null);
        }

        if (expiresAt is { } expiry && expiry <= time.GetUtcNow())
        {
            return (OperationResult.Invalid($"The expiry {expiry:u} is not in the future."), null, null);
        }

        var secret = SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken
        {
            Name = name,
            Role = role,
            SecretHash = Hash(secret),
            Prefix = secret[..(SecretPrefix.Length + 8)],
            CreatedBy = $"{actor.Name} ({actor.Surface})",
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ApiTokens.Add(token);
        audit.Record(db, actor, "create-token", name, null, AuditChange.Created($"token '{name}', role {Roles.Name(role)}, {(expiresAt is null ? "no expiry" : $"expires {expiresAt:u}")}"));
        await db.SaveChangesAsync(cancellationToken);
        return (OperationResult.Ok($"Created token {token.Id} '{name}' ({Roles.Name(role)})."), TokenInfo.Of(token), secret);
    }

    public async Task<IReadOnlyList<TokenInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return [.. (await db.ApiTokens.AsNoTracking().OrderBy(t => t.Id).ToListAsync(cancellationToken)).Select(TokenInfo.Of)];
    }

    public async Task<TokenInfo?> GetAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken) is { } token ? TokenInfo.Of(token) : null;
    }

    public async Task<OperationResult> RevokeAsync(int id, Actor actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (token is null)
        {
            return OperationResult.NotFound($"There is no token {id}.");
        }

        if (token.RevokedAt is not null)
        {
            return OperationResult.Ok($"Token {id} '{token.Name}' already was revoked.");
        }

        token.RevokedAt = time.GetUtcNow();
        audit.Record(db, actor, "revoke-token", token.Name, null, new AuditChange($"token {id} '{token.Name}' ({Roles.Name(token.Role)}) valid", $"token {id} revoked"));
        await db.SaveChangesAsync(cancellationToken);
        return OperationResult.Ok($"Revoked token {id} '{token.Name}'.");
    }

    /// <summary>The token <paramref name="secret"/> belongs to, if it is valid (known, not revoked, not expired); records its use.</summary>
    public async Task<TokenInfo?> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length > 200)
        {
            return null;
        }

        var hash = Hash(secret);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.SecretHash == hash, cancellationToken);
        var now = time.GetUtcNow();
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            return null;
        }

        if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedResolution)
        {
            token.LastUsedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        return TokenInfo.Of(token);
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A token as listings show it: never its secret or hash.</summary>
public sealed record TokenInfo(
    int Id, string Name, string Role, string Prefix, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    public static TokenInfo Of(ApiToken token) =>
        new(token.Id, token.Name, Roles.Name(token.Role), token.Prefix, token.CreatedBy, token.CreatedAt, token.ExpiresAt, token.RevokedAt, token.LastUsedAt);
}
