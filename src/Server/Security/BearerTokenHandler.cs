using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>Authenticates <c>Authorization: Bearer sis_…</c> against the stored tokens (API.md "Auth").</summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (token is null)
        {
            return AuthenticateResult.Fail("The token is unknown, revoked or expired.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, token.Name),
                new Claim(ClaimTypes.Role, token.Role),
                new Claim(UserClaims.Surface, "api"),
                new Claim(UserClaims.TokenId, token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }
}
