using SystemImage.Admin.Ui.SignIn;
using SystemImage.Admin.Ui;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>
/// The OpenID Connect scheme behind "Sign in with …": the authorization code flow with PKCE, answered at
/// <see cref="CallbackPath"/>, whose user is signed in to our cookie with our own claims
/// (<see cref="SingleSignOnClaims"/>), or refused when they get no role.
/// </summary>
public static class SingleSignOn
{
    public const string SchemeName = "OpenIdConnect";

    /// <summary>Where the sign-in page's button leads: challenges the provider (404 when single sign-on is off).</summary>
    public const string StartPath = "/admin/sign-in/sso";

    /// <summary>Where the provider sends the browser back with the code.</summary>
    public const string CallbackPath = "/admin/signin-oidc";

    /// <summary>Where the provider sends the browser back after ending its session.</summary>
    public const string SignedOutCallbackPath = "/admin/signout-callback-oidc";

    public static AuthenticationBuilder AddSingleSignOn(this AuthenticationBuilder authentication)
    {
        authentication.AddOpenIdConnect(SchemeName, "Single sign-on", _ => { });
        authentication.Services.AddOptions<OpenIdConnectOptions>(SchemeName)
            .Configure<IOptions<SingleSignOnOptions>>((oidc, sso) => Configure(oidc, sso.Value));
        return authentication;
    }

    /// <summary>
    /// Whether the user's sign-out should also end their session at the provider: the scheme is on and the provider
    /// names an end-session endpoint (the handler cannot sign out without one).
    /// </summary>
    public static async Task<bool> ProviderEndsSessionsAsync(HttpContext http) =>
        !string.IsNullOrEmpty((await ProviderConfigurationOrNullAsync(http))?.EndSessionEndpoint);

    /// <summary>
    /// The provider's discovery document (cached by the handler), or null when single sign-on is off or the provider
    /// cannot be reached: then a challenge would fail with a bare 500, so callers say so instead.
    /// </summary>
    public static async Task<OpenIdConnectConfiguration?> ProviderConfigurationOrNullAsync(HttpContext http)
    {
        if (await http.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(SchemeName) is null)
        {
            return null;
        }

        var oidc = http.RequestServices.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(SchemeName);
        try
        {
            return await oidc.ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
        }
        catch (InvalidOperationException e)
        {
            Logger(http).LogWarning("The OpenID provider's configuration is unavailable: {Reason}", e.Message);
            return null;
        }
    }

    private static void Configure(OpenIdConnectOptions oidc, SingleSignOnOptions sso)
    {
        oidc.Authority = sso.Authority;
        oidc.ClientId = sso.ClientId;
        oidc.ClientSecret = string.IsNullOrEmpty(sso.ClientSecret) ? null : sso.ClientSecret;
        oidc.RequireHttpsMetadata = sso.RequireHttpsMetadata;
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        // The code comes back on a top-level GET, so the correlation and nonce cookies can be SameSite=Lax (form_post
        // would need SameSite=None) and are Secure whenever the server is reached over https.
        oidc.ResponseMode = OpenIdConnectResponseMode.Query;
        oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
        oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        oidc.NonceCookie.SameSite = SameSiteMode.Lax;
        oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        oidc.UsePkce = true;
        oidc.SignInScheme = SecurityExtensions.CookieScheme;
        oidc.SignOutScheme = SecurityExtensions.CookieScheme;
        oidc.CallbackPath = CallbackPath;
        oidc.SignedOutCallbackPath = SignedOutCallbackPath;
        oidc.RemoteSignOutPath = "/admin/signout-oidc";
        oidc.SignedOutRedirectUri = AdminRoutes.SignIn;
        // Claims keep their names from the token (groups, preferred_username), as the options name them.
        oidc.MapInboundClaims = false;
        oidc.GetClaimsFromUserInfoEndpoint = false;
        oidc.SaveTokens = false;
        oidc.Scope.Clear();
        foreach (var scope in sso.ScopeList)
        {
            oidc.Scope.Add(scope);
        }

        oidc.Events.OnTokenValidated = TokenValidated;
        oidc.Events.OnRemoteFailure = RemoteFailure;
    }

    private static Task TokenValidated(TokenValidatedContext context)
    {
        var sso = context.HttpContext.RequestServices.GetRequiredService<IOptions<SingleSignOnOptions>>().Value;
        var external = context.Principal!;
        var principal = SingleSignOnClaims.ToLocalPrincipalOrNull(external, sso);
        if (principal is null)
        {
            Logger(context.HttpContext).LogWarning(
                "Single sign-on refused {User} from {Issuer}: no role for their {RoleClaim} [{Values}] and no default role",
                SingleSignOnClaims.NameOf(external, sso), SingleSignOnClaims.IssuerOf(external), sso.RoleClaim,
                string.Join(", ", SingleSignOnClaims.RoleClaimValues(external, sso)));
            context.Response.Redirect(AdminRoutes.Denied + "?reason=" + DeniedPage.NoRoleReason);
            context.HandleResponse();
            return Task.CompletedTask;
        }

        Logger(context.HttpContext).LogInformation(
            "{User} signed in through single sign-on ({Issuer}) as {Role}",
            principal.Identity!.Name, SingleSignOnClaims.IssuerOf(external), Roles.Name(UserClaims.RoleOf(principal)));
        context.Principal = principal;
        // Only the ID token is kept (in the cookie): it is the hint the provider's end-session endpoint wants at sign-out.
        var idToken = context.TokenEndpointResponse?.IdToken ?? context.ProtocolMessage.IdToken;
        if (!string.IsNullOrEmpty(idToken))
        {
            context.Properties!.StoreTokens([new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
        }

        return Task.CompletedTask;
    }

    private static Task RemoteFailure(RemoteFailureContext context)
    {
        // The handler has logged the exception; this says what the user was shown.
        Logger(context.HttpContext).LogWarning("Single sign-on failed ({Reason}); the user is sent to the denied page", context.Failure?.Message);
        context.Response.Redirect(AdminRoutes.Denied + "?reason=" + DeniedPage.SsoFailedReason);
        context.HandleResponse();
        return Task.CompletedTask;
    }

    private static ILogger Logger(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SingleSignOn));
}
