using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>
/// Cookie sign-in for people: a small server-rendered sign-in form (with an anti-forgery token) and, when enabled, a
/// "Sign in with …" link to the OpenID provider (<see cref="SingleSignOn"/>), sign-out, and the signed-in landing page
/// with links to the API reference and, for admins, the jobs dashboard.
/// </summary>
public static class SignInPages
{
    public const string SignInPath = "/admin/sign-in";
    public const string SignOutPath = "/admin/sign-out";
    public const string DeniedPath = "/admin/denied";

    /// <summary>The <c>reason</c> on the denied page for a single sign-on user given no role.</summary>
    public const string NoRoleReason = "no-role";

    /// <summary>The <c>reason</c> on the denied page when the provider's answer was refused (or it refused the user).</summary>
    public const string SsoFailedReason = "sso-failed";

    /// <summary>The <c>reason</c> on the denied page when the provider's discovery document cannot be fetched.</summary>
    public const string SsoUnavailableReason = "sso-unavailable";

    public static IEndpointRouteBuilder MapSignInPages(this IEndpointRouteBuilder app)
    {
        app.MapGet(SignInPath, (HttpContext http, IAntiforgery antiforgery, IOptions<SingleSignOnOptions> sso, string? returnUrl) =>
            Form(http, antiforgery, sso.Value, returnUrl, null)).AllowAnonymous();
        app.MapPost(SignInPath, SignInAsync).AllowAnonymous();
        app.MapGet(SingleSignOn.StartPath, StartSingleSignOn).AllowAnonymous();
        app.MapPost(SignOutPath, SignOutAsync).RequireAuthorization(SecurityExtensions.Viewer);
        app.MapGet(DeniedPath, (string? reason) => Denied(reason)).AllowAnonymous();
        app.MapGet("/admin", (ClaimsPrincipal user, IAntiforgery antiforgery, HttpContext http) => Home(user, antiforgery, http))
            .RequireAuthorization(SecurityExtensions.Viewer);
        return app;
    }

    /// <summary>Sends the browser to the OpenID provider, to come back to <paramref name="returnUrl"/> (local URLs only).</summary>
    private static async Task<Results<ChallengeHttpResult, RedirectHttpResult, NotFound>> StartSingleSignOn(
        HttpContext http, IOptions<SingleSignOnOptions> sso, string? returnUrl)
    {
        if (!sso.Value.Enabled)
        {
            return TypedResults.NotFound();
        }

        if (await SingleSignOn.ProviderConfigurationOrNullAsync(http) is null)
        {
            return TypedResults.Redirect(DeniedPath + "?reason=" + SsoUnavailableReason);
        }

        return TypedResults.Challenge(new AuthenticationProperties { RedirectUri = IsLocal(returnUrl) ? returnUrl : "/admin" }, [SingleSignOn.SchemeName]);
    }

    /// <summary>Ends the cookie session and, for a single sign-on user whose provider supports it, the provider's session too.</summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, ClaimsPrincipal user)
    {
        await antiforgery.ValidateRequestAsync(http);
        if (ApiClaims.IsSingleSignOn(user) && await SingleSignOn.ProviderEndsSessionsAsync(http))
        {
            // The handler redirects to the provider's end-session endpoint (with the ID token as hint), which comes
            // back to the signed-out callback, which redirects to the sign-in page. It reads the hint from the cookie,
            // so the cookie goes second.
            await http.SignOutAsync(SingleSignOn.SchemeName, new AuthenticationProperties { RedirectUri = SignInPath });
            await http.SignOutAsync(SecurityExtensions.CookieScheme);
            return Results.Empty;
        }

        await http.SignOutAsync(SecurityExtensions.CookieScheme);
        return Results.Redirect(SignInPath);
    }

    private static IResult Denied(string? reason) => Page(
        "Not allowed",
        reason switch
        {
            NoRoleReason => $"""
                <p class="error" role="alert">Single sign-on worked, but your account has no role on this server: none of its groups or roles is mapped to one.</p>
                <p>Ask an administrator to map one of your groups in <code>{SingleSignOnOptions.SectionName}:RoleMap</code>.</p>
                <p><a href="{SignInPath}">Sign in another way</a></p>
                """,
            SsoFailedReason => $"""
                <p class="error" role="alert">Single sign-on did not complete: the identity provider's answer was refused or it refused the sign-in.</p>
                <p>Try again; if it keeps failing, the server log has the reason.</p>
                <p><a href="{SignInPath}">Back to sign-in</a></p>
                """,
            SsoUnavailableReason => $"""
                <p class="error" role="alert">The identity provider cannot be reached right now, so single sign-on is unavailable.</p>
                <p>Try again later, or sign in with a local account; the server log has the reason.</p>
                <p><a href="{SignInPath}">Back to sign-in</a></p>
                """,
            _ => "<p>Your role does not allow this page.</p><p><a href=\"/admin\">Back</a></p>",
        },
        HttpStatusCode.Forbidden);

    private static async Task<IResult> SignInAsync(
        HttpContext http, IAntiforgery antiforgery, UserService users, IOptions<SingleSignOnOptions> sso,
        [FromForm] string? name, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        var user = string.IsNullOrEmpty(name) || string.IsNullOrEmpty(password) ? null : await users.VerifyAsync(name, password, http.RequestAborted);
        if (user is null)
        {
            return Form(http, antiforgery, sso.Value, returnUrl, "Wrong user name or password.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role), new Claim(ApiClaims.Surface, "ui")],
            SecurityExtensions.CookieScheme);
        await http.SignInAsync(SecurityExtensions.CookieScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/admin");
    }

    private static IResult Form(HttpContext http, IAntiforgery antiforgery, SingleSignOnOptions sso, string? returnUrl, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var local = IsLocal(returnUrl) ? returnUrl! : "/admin";
        var singleSignOn = sso.Enabled
            ? $"""<p><a class="sso" href="{SingleSignOn.StartPath}?returnUrl={Uri.EscapeDataString(local)}">Sign in with {Encode(sso.DisplayName)}</a></p>"""
            : "";
        var body = $"""
            <form method="post" action="{SignInPath}">
              <input type="hidden" name="{tokens.FormFieldName}" value="{Encode(tokens.RequestToken)}">
              <input type="hidden" name="returnUrl" value="{Encode(local)}">
              {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{Encode(error)}</p>")}
              <label for="name">User name</label><input id="name" name="name" autocomplete="username" required autofocus>
              <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
              <button type="submit">Sign in</button>
            </form>
            {singleSignOn}
            """;
        return Page("Sign in", body, error is null ? HttpStatusCode.OK : HttpStatusCode.Unauthorized);
    }

    private static IResult Home(ClaimsPrincipal user, IAntiforgery antiforgery, HttpContext http)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var admin = ApiClaims.RoleOf(user) >= Core.Persistence.Entities.Role.Admin;
        var body = $"""
            <p>Signed in as <strong>{Encode(user.Identity?.Name)}</strong> ({Encode(Roles.Name(ApiClaims.RoleOf(user)))}).</p>
            <ul>
              <li><a href="/admin/api">API reference</a></li>
              {(admin ? "<li><a href=\"/admin/jobs\">Background jobs</a></li>" : "")}
            </ul>
            <form method="post" action="{SignOutPath}">
              <input type="hidden" name="{tokens.FormFieldName}" value="{Encode(tokens.RequestToken)}">
              <button type="submit">Sign out</button>
            </form>
            """;
        return Page("System Image Server", body, HttpStatusCode.OK);
    }

    private static IResult Page(string title, string body, HttpStatusCode status) => Results.Content(
        $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Encode(title)}} · System Image Server</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; max-width: 26rem; margin: 4rem auto; padding: 0 1rem; color: #1d2430; }
          label { display: block; margin-top: 1rem; } input { width: 100%; padding: .5rem; box-sizing: border-box; }
          button { margin-top: 1.5rem; padding: .5rem 1.5rem; } .error { color: #b00020; }
          .sso { display: inline-block; margin-top: 1.5rem; }
        </style></head>
        <body><h1>{{Encode(title)}}</h1>{{body}}</body></html>
        """,
        "text/html; charset=utf-8",
        statusCode: (int)status);

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
