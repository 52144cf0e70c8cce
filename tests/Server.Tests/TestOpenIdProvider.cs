using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SystemImage.Server.Tests;

/// <summary>
/// A minimal OpenID provider on real Kestrel (127.0.0.1, a free port) for single sign-on tests: discovery, a JWKS
/// with one RSA key, <c>/authorize</c> answering at once for <see cref="NextUser"/> (as if they were already signed
/// in there), <c>/token</c> checking the code, the PKCE verifier (S256) and the client credentials before issuing an
/// RS256 ID token, and <c>/end-session</c>.
/// </summary>
public sealed class TestOpenIdProvider : IAsyncDisposable
{
    public const string ClientId = "systemimage-test";
    public const string ClientSecret = "client-secret-for-tests";
    private const string KeyId = "test-signing-key";

    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _unpublishedKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, PendingCode> _codes = new(StringComparer.Ordinal);
    private WebApplication? _app;

    /// <summary>The issuer and authority, e.g. <c>http://127.0.0.1:41234</c>; set by <see cref="StartAsync"/>.</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>Who <c>/authorize</c> signs in next, and how their ID token is made.</summary>
    public User NextUser { get; set; } = new("nobody", []);

    /// <summary>The query of the latest <c>/authorize</c> request.</summary>
    public IReadOnlyDictionary<string, string> LastAuthorizeRequest { get; private set; } = new Dictionary<string, string>();

    /// <summary>The query of the latest <c>/end-session</c> request, or null.</summary>
    public IReadOnlyDictionary<string, string>? LastEndSessionRequest { get; private set; }

    /// <summary>ID tokens issued by <c>/token</c>.</summary>
    public int TokensIssued => _tokensIssued;

    /// <summary>Why <c>/token</c> refused requests, in order.</summary>
    public ConcurrentQueue<string> TokenRefusals { get; } = new();

    private int _tokensIssued;

    /// <summary>The command-line settings that point the server at this provider, with the test role map.</summary>
    public IEnumerable<string> ServerArguments() =>
    [
        "--SystemImage:Authentication:OpenIdConnect:Enabled=true",
        $"--SystemImage:Authentication:OpenIdConnect:Authority={Issuer}",
        $"--SystemImage:Authentication:OpenIdConnect:ClientId={ClientId}",
        $"--SystemImage:Authentication:OpenIdConnect:ClientSecret={ClientSecret}",
        "--SystemImage:Authentication:OpenIdConnect:RequireHttpsMetadata=false",
        "--SystemImage:Authentication:OpenIdConnect:DisplayName=Test SSO",
        "--SystemImage:Authentication:OpenIdConnect:RoleMap:si-admins=admin",
        "--SystemImage:Authentication:OpenIdConnect:RoleMap:si-publishers=publisher",
        "--SystemImage:Authentication:OpenIdConnect:RoleMap:si-viewers=viewer",
    ];

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", Discovery);
        _app.MapGet("/jwks", Jwks);
        _app.MapGet("/authorize", Authorize);
        _app.MapPost("/token", TokenAsync);
        _app.MapGet("/end-session", EndSession);
        await _app.StartAsync();
        Issuer = _app.Urls.Single().TrimEnd('/');
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _key.Dispose();
        _unpublishedKey.Dispose();
    }

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = Issuer + "/authorize",
        ["token_endpoint"] = Issuer + "/token",
        ["jwks_uri"] = Issuer + "/jwks",
        ["end_session_endpoint"] = Issuer + "/end-session",
        ["response_types_supported"] = new[] { "code" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["scopes_supported"] = new[] { "openid", "profile", "email" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post" },
    });

    private IResult Jwks()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return Results.Json(new
        {
            keys = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["alg"] = "RS256",
                    ["kid"] = KeyId,
                    ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                },
            },
        });
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        LastAuthorizeRequest = query;
        string Get(string name) => query.GetValueOrDefault(name) ?? "";
        if (Get("client_id") != ClientId || Get("response_type") != "code" || Get("code_challenge_method") != "S256"
            || Get("code_challenge").Length == 0 || !Get("scope").Split(' ').Contains("openid") || Get("redirect_uri").Length == 0)
        {
            return Results.BadRequest("not an authorization code request with PKCE (S256) from the test client");
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _codes[code] = new PendingCode(NextUser, Get("nonce"), Get("redirect_uri"), Get("code_challenge"));
        return Results.Redirect($"{Get("redirect_uri")}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(Get("state"))}");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        string Get(string name) => form[name].ToString();
        var pending = _codes.TryRemove(Get("code"), out var found) ? found : null;
        var refusal =
            Get("grant_type") != "authorization_code" ? "grant_type is not authorization_code"
            : Get("client_id") != ClientId || Get("client_secret") != ClientSecret ? "wrong client credentials"
            : pending is null ? "unknown or used code"
            : pending.RedirectUri != Get("redirect_uri") ? "redirect_uri differs from the authorization request"
            : Challenge(Get("code_verifier")) != pending.CodeChallenge ? "the PKCE code_verifier does not match the code_challenge"
            : null;
        if (refusal is not null)
        {
            TokenRefusals.Enqueue(refusal);
            return Results.Json(new { error = "invalid_grant", error_description = refusal }, statusCode: StatusCodes.Status400BadRequest);
        }

        var accessToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        Interlocked.Increment(ref _tokensIssued);
        return Results.Json(new
        {
            access_token = accessToken,
            token_type = "Bearer",
            expires_in = 300,
            id_token = IdToken(pending!),
        });
    }

    private IResult EndSession(HttpRequest request)
    {
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        LastEndSessionRequest = query;
        var back = query.GetValueOrDefault("post_logout_redirect_uri");
        return back is null
            ? Results.Content("signed out")
            : Results.Redirect($"{back}?state={Uri.EscapeDataString(query.GetValueOrDefault("state") ?? "")}");
    }

    private string IdToken(PendingCode pending)
    {
        var user = pending.User;
        var key = new RsaSecurityKey(user.BadSignature ? _unpublishedKey : _key) { KeyId = KeyId };
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = user.Audience ?? ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = user.Subject,
                ["nonce"] = pending.Nonce,
                ["preferred_username"] = user.Name,
                ["groups"] = user.Groups,
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    private static string Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>A user of the provider: their name, groups, and optionally a wrong audience or signature on their ID token.</summary>
    public sealed record User(string Name, string[] Groups)
    {
        public string Subject { get; init; } = "sub-" + Name;

        /// <summary>The ID token's audience instead of the client id.</summary>
        public string? Audience { get; init; }

        /// <summary>Sign the ID token with a key the JWKS does not publish (under the published key id).</summary>
        public bool BadSignature { get; init; }
    }

    private sealed record PendingCode(User User, string Nonce, string RedirectUri, string CodeChallenge);
}
