using SystemImage.Admin.Ui;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>
/// Authentication (API bearer tokens, the sign-in cookie checked against the account on every request, optional single
/// sign-on), the role policies (viewer &lt; publisher &lt; admin), sign-in rate limits and trusted proxies.
/// </summary>
public static class SecurityExtensions
{
    public const string Viewer = Policies.Viewer;
    public const string Publisher = Policies.Publisher;
    public const string Admin = Policies.Admin;

    /// <summary>The default scheme: the bearer token on <c>/api</c> and <c>/metrics</c> (or when one is sent), the sign-in cookie elsewhere.</summary>
    public const string BearerOrCookie = "BearerOrCookie";

    public const string CookieScheme = "Cookies";

    public static IServiceCollection AddSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IPasswordHashing, IdentityPasswordHashing>();
        services.AddOptions<SingleSignOnOptions>().Bind(configuration.GetSection(SingleSignOnOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SingleSignOnOptions>, SingleSignOnOptionsValidator>();
        var singleSignOn = configuration.GetSection(SingleSignOnOptions.SectionName).Get<SingleSignOnOptions>()?.Enabled == true;
        var authentication = services.AddAuthentication(BearerOrCookie)
            .AddPolicyScheme(BearerOrCookie, "Bearer token for the API, cookie for pages", options => options.ForwardDefaultSelector = context =>
                context.Request.Path.StartsWithSegments("/api")
                || context.Request.Path.StartsWithSegments("/metrics")
                || context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? BearerTokenHandler.SchemeName
                    : CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddCookie(CookieScheme, options =>
            {
                options.LoginPath = AdminRoutes.SignIn;
                options.LogoutPath = AdminRoutes.SignOut;
                options.AccessDeniedPath = AdminRoutes.Denied;
                options.Cookie.Name = "systemimage";
                options.Cookie.HttpOnly = true;
                // Coming back from the OpenID provider is a cross-site redirect chain, which drops a Strict cookie on
                // the way to the page the user asked for; Lax still keeps it off cross-site POSTs (anti-forgery does the rest).
                options.Cookie.SameSite = singleSignOn ? SameSiteMode.Lax : SameSiteMode.Strict;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                options.Events.OnValidatePrincipal = SessionValidation.ValidateCookieAsync;
                // The OpenAPI document is for tools as much as for the reference page: without a session or a token it
                // answers 401 (or 403) as the API does, not a redirect to the sign-in page's HTML.
                var redirectToSignIn = options.Events.OnRedirectToLogin;
                var redirectToDenied = options.Events.OnRedirectToAccessDenied;
                options.Events.OnRedirectToLogin = context => ForToolsOrRedirect(context, StatusCodes.Status401Unauthorized, redirectToSignIn);
                options.Events.OnRedirectToAccessDenied = context => ForToolsOrRedirect(context, StatusCodes.Status403Forbidden, redirectToDenied);
            });
        if (singleSignOn)
        {
            authentication.AddSingleSignOn();
        }

        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "systemimage-antiforgery";
            // Secure whenever the request is https, also as a trusted proxy forwards it (the framework's default is never).
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Viewer, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => UserClaims.RoleOf(c.User) >= Role.Viewer))
            .AddPolicy(Publisher, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => UserClaims.RoleOf(c.User) >= Role.Publisher))
            .AddPolicy(Admin, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => UserClaims.RoleOf(c.User) >= Role.Admin));
        services.AddHostedService<InitialAdmin>();
        // Before the admin UI registers the plain provider: open circuits check the session too.
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, SessionValidation>();
        services.AddSignInRateLimits(configuration);
        services.AddTrustedProxies(configuration);
        return services;
    }

    private static Task ForToolsOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status, Func<RedirectContext<CookieAuthenticationOptions>, Task> redirect)
    {
        if (!context.Request.Path.StartsWithSegments("/openapi"))
        {
            return redirect(context);
        }

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return Task.CompletedTask;
    }
}
