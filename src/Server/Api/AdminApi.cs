using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SystemImage.Core.Audit;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;
using SystemImage.Core.Security;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary>Tree maintenance, the audit log and API tokens.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        var tree = api.MapGroup("/tree").WithTags("Tree");
        tree.MapGet("/check", CheckAsync).RequireAuthorization(SecurityExtensions.Viewer);
        tree.MapPost("/cleanup", CleanupAsync).RequireAuthorization(SecurityExtensions.Admin);
        tree.MapPost("/resign", ResignAsync).RequireAuthorization(SecurityExtensions.Admin);
        api.MapGet("/keyrings", Keyrings).RequireAuthorization(SecurityExtensions.Viewer).WithTags("Keys");
        api.MapPost("/keyrings/{name}/rotate", RotateAsync).RequireAuthorization(SecurityExtensions.Admin).WithTags("Keys");
        api.MapGet("/keyrings/blacklist", BlacklistAsync).RequireAuthorization(SecurityExtensions.Viewer).WithTags("Keys");
        api.MapPost("/keyrings/blacklist", RevokeKeyAsync).RequireAuthorization(SecurityExtensions.Admin).WithTags("Keys");
        api.MapPost("/adopt-tree", AdoptTreeAsync).RequireAuthorization(SecurityExtensions.Admin).WithTags("Keys");
        api.MapGet("/audit", AuditAsync).RequireAuthorization(SecurityExtensions.Viewer).WithTags("Audit");
        var tokens = api.MapGroup("/tokens").WithTags("Tokens").RequireAuthorization(SecurityExtensions.Admin);
        tokens.MapGet("/", ListTokensAsync);
        tokens.MapPost("/", CreateTokenAsync);
        tokens.MapGet("/{id:int}", GetTokenAsync);
        tokens.MapDelete("/{id:int}", RevokeTokenAsync);
        return api;
    }

    /// <summary>Every signing key: its fingerprint, key id, size and expiry, and the tree path of its published keyring.</summary>
    private static Ok<List<KeyringDto>> Keyrings(SystemImage.Core.Signing.KeyStore keys) =>
        TypedResults.Ok(SystemImage.Core.Signing.KeyNames.All.Select(name => keys.Describe(name)).Select(key => new KeyringDto(
            key.Name,
            [key.Fingerprint],
            key.KeyId,
            key.Bits,
            key.Created,
            key.Expiry,
            SystemImage.Core.Publishing.KeyringPublisher.Published.Contains(key.Name) ? SystemImage.Core.Publishing.TreeLayout.Keyring(key.Name) : null)).ToList());

    /// <summary>The revoked keys that <c>gpg/blacklist.tar.xz</c> publishes, oldest revocation first.</summary>
    private static async Task<Ok<IReadOnlyList<RevokedKeyInfo>>> BlacklistAsync(KeyRevocation revocation, CancellationToken cancellationToken) =>
        TypedResults.Ok(await revocation.ListAsync(cancellationToken));

    /// <summary>Puts a key on the blacklist by fingerprint; <c>publicKey</c> (armored) is needed only for a key the server does not hold.</summary>
    private static async Task<Results<Ok<RevokedKeyDto>, ProblemHttpResult>> RevokeKeyAsync(
        RevokeKeyRequest request, KeyRevocation revocation, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Fingerprint))
        {
            return ApiResults.BadRequest("'fingerprint' is required: the 40 hex digits of the key's primary fingerprint.");
        }

        var publicKey = string.IsNullOrWhiteSpace(request.PublicKey) ? null : System.Text.Encoding.UTF8.GetBytes(request.PublicKey);
        var (result, revoked) = await revocation.RevokeAsync(request.Fingerprint, publicKey, request.Reason, user.ToActor(), cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok(new RevokedKeyDto(revoked!.Fingerprint, revoked.Label, revoked.RevokedAt, revoked.RevokedBy, revoked.Reason, result.Message))
            : ApiResults.Problem(result);
    }

    /// <summary>
    /// Adopts a classic installation already on the server's disk (<c>adopt-tree</c>): with <c>dryRun</c> the plan (what
    /// would be adopted and every problem) at once; otherwise a background job whose log shows the stages.
    /// </summary>
    private static async Task<Results<Ok<Core.Classic.AdoptionPlan>, Accepted<ImportQueuedDto>, ProblemHttpResult>> AdoptTreeAsync(
        AdoptTreeRequest request, Core.Classic.TreeAdoption adoption, Jobs.ImportJobs jobs, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Root))
        {
            return ApiResults.BadRequest("'root' is required: the classic server's directory on this server's disk (holding etc/config and www/).");
        }

        var adopt = new Core.Classic.AdoptionRequest(request.Root, NullIfBlank(request.Config), NullIfBlank(request.Keys), request.Merge ?? false);
        if (request.DryRun ?? false)
        {
            return TypedResults.Ok(await adoption.PlanAsync(adopt, null, cancellationToken));
        }

        var (runId, jobId) = await jobs.AdoptNowAsync(adopt, user.ToActor(), cancellationToken);
        return TypedResults.Accepted($"/api/v1/jobs/{runId}", new ImportQueuedDto(runId, jobId));
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Missing, orphaned and foreign files; with <c>?verify=true</c> also the signatures that do not verify (reads every file).</summary>
    private static async Task<Ok<TreeCheck>> CheckAsync(bool? verify, TreeMaintenance maintenance, CancellationToken cancellationToken) =>
        TypedResults.Ok(await maintenance.CheckAsync(verify ?? false, cancellationToken));

    private static async Task<Accepted<ImportQueuedDto>> ResignAsync(Jobs.ImportJobs jobs, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (runId, jobId) = await jobs.ResignNowAsync(user.ToActor(), cancellationToken);
        return TypedResults.Accepted($"/api/v1/jobs/{runId}", new ImportQueuedDto(runId, jobId));
    }

    /// <summary>Rotates image-signing or device-signing in the background: a new key, its keyring, and every signature made again.</summary>
    private static async Task<Results<Accepted<ImportQueuedDto>, ProblemHttpResult>> RotateAsync(
        string name, Jobs.ImportJobs jobs, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (result, runId, jobId) = await jobs.RotateNowAsync(name, user.ToActor(), cancellationToken);
        return result.Succeeded
            ? TypedResults.Accepted($"/api/v1/jobs/{runId}", new ImportQueuedDto(runId!.Value, jobId!))
            : ApiResults.Problem(result);
    }

    private static async Task<Ok<CleanupResult>> CleanupAsync(TreeMaintenance maintenance, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        TypedResults.Ok(await maintenance.CleanupAsync(user.ToActor(), cancellationToken));

    /// <summary>
    /// The audit log, newest first, searched by the database: <c>channel</c>, <c>device</c>, <c>q</c> (words every entry
    /// contains, any case, in its actor, action, target or change text) and <c>since</c>. Pages of <c>limit</c> entries
    /// (default 200): the next page is <c>before</c> the last entry's <c>id</c>, also given as a <c>Link: rel="next"</c> header.
    /// </summary>
    private static async Task<Results<Ok<IReadOnlyList<AuditRecord>>, ProblemHttpResult>> AuditAsync(
        string? channel, string? device, string? q, string? since, long? before, int? limit, AuditQueries audit, HttpContext http, CancellationToken cancellationToken)
    {
        DateTimeOffset? from = null;
        if (since is not null)
        {
            if (!DateTimeOffset.TryParse(since, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return ApiResults.BadRequest($"'since' must be a date and time such as 2026-11-26T10:00:00Z, not '{since}'.");
            }

            from = parsed;
        }

        var search = new AuditSearch
        {
            Channel = string.IsNullOrEmpty(channel) ? null : channel,
            Device = string.IsNullOrEmpty(device) ? null : device,
            Text = string.IsNullOrWhiteSpace(q) ? null : q,
            Since = from,
            Before = before,
            Limit = limit ?? 200,
        };
        if (search.Validate() is { } invalid)
        {
            return ApiResults.BadRequest(invalid);
        }

        var page = await audit.SearchAsync(search, cancellationToken);
        if (page.Next is { } next)
        {
            var query = http.Request.Query
                .Where(p => p.Key != "before")
                .SelectMany(p => p.Value.Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? "")}"))
                .Append($"before={next}");
            http.Response.Headers.Link = $"<{http.Request.PathBase}{http.Request.Path}?{string.Join('&', query)}>; rel=\"next\"";
        }

        return TypedResults.Ok(page.Entries);
    }

    private static async Task<Ok<IReadOnlyList<TokenInfo>>> ListTokensAsync(TokenService tokens, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tokens.ListAsync(cancellationToken));

    private static async Task<Results<Ok<TokenInfo>, ProblemHttpResult>> GetTokenAsync(int id, TokenService tokens, CancellationToken cancellationToken) =>
        await tokens.GetAsync(id, cancellationToken) is { } token ? TypedResults.Ok(token) : ApiResults.NotFound($"There is no token {id}.");

    private static async Task<Results<Created<CreatedTokenDto>, ProblemHttpResult>> CreateTokenAsync(
        CreateTokenRequest request, TokenService tokens, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (Roles.Parse(request.Role) is not { } role)
        {
            return ApiResults.BadRequest($"'role' must be {Roles.Known}.");
        }

        var (result, token, secret) = await tokens.CreateAsync(request.Name ?? "", role, request.ExpiresAt, user.ToActor(), cancellationToken);
        return result.Succeeded
            ? TypedResults.Created($"/api/v1/tokens/{token!.Id}", new CreatedTokenDto(token, secret!))
            : ApiResults.Problem(result);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(int id, TokenService tokens, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var result = await tokens.RevokeAsync(id, user.ToActor(), cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(result);
    }
}

/// <summary>A signing key as <c>/keyrings</c> lists it; <see cref="Path"/> is null for keys published only inside device keyrings.</summary>
public sealed record KeyringDto(string Name, IReadOnlyList<string> Fingerprints, string KeyId, int Bits, DateTimeOffset Created, DateTimeOffset? Expiry, string? Path);

/// <summary>A key to revoke: its fingerprint, its ASCII-armored public key (gpg --export --armor) when the server does not hold it, and why.</summary>
public sealed record RevokeKeyRequest(string? Fingerprint, string? PublicKey, string? Reason);

/// <summary>What to adopt: the classic root on the server's disk, optionally its config file and key directory.</summary>
public sealed record AdoptTreeRequest(string? Root, string? Config, string? Keys, bool? Merge, bool? DryRun);

/// <summary>A key just put on the blacklist, with the outcome's message (which says when devices now need a rotation).</summary>
public sealed record RevokedKeyDto(string Fingerprint, string Label, DateTimeOffset RevokedAt, string RevokedBy, string? Reason, string Message);

public sealed record CreateTokenRequest(string? Name, string? Role, DateTimeOffset? ExpiresAt);

/// <summary>A new token with its secret: the only response that ever carries it.</summary>
public sealed record CreatedTokenDto(TokenInfo Token, string Secret);
