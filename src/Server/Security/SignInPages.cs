using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>
/// Cookie sign-in for people: a small server-rendered sign-in form (with an anti-forgery token), sign-out, and the
/// signed-in landing page with links to the API reference and, for admins, the jobs dashboard.
/// </summary>
public static class SignInPages
{
    public const string SignInPath = "/admin/sign-in";
    public const string SignOutPath = "/admin/sign-out";
    public const string DeniedPath = "/admin/denied";

    public static IEndpointRouteBuilder MapSignInPages(this IEndpointRouteBuilder app)
    {
        app.MapGet(SignInPath, (HttpContext http, IAntiforgery antiforgery, string? returnUrl) => Form(http, antiforgery, returnUrl, null)).AllowAnonymous();
        app.MapPost(SignInPath, SignInAsync).AllowAnonymous();
        app.MapPost(SignOutPath, async (HttpContext http, IAntiforgery antiforgery) =>
        {
            await antiforgery.ValidateRequestAsync(http);
            await http.SignOutAsync(SecurityExtensions.CookieScheme);
            return Results.Redirect(SignInPath);
        }).RequireAuthorization(SecurityExtensions.Viewer);
        app.MapGet(DeniedPath, () => Page("Not allowed", "<p>Your role does not allow this page.</p><p><a href=\"/admin\">Back</a></p>", HttpStatusCode.Forbidden))
            .AllowAnonymous();
        app.MapGet("/admin", (ClaimsPrincipal user, IAntiforgery antiforgery, HttpContext http) => Home(user, antiforgery, http))
            .RequireAuthorization(SecurityExtensions.Viewer);
        return app;
    }

    private static async Task<IResult> SignInAsync(
        HttpContext http, IAntiforgery antiforgery, UserService users, [FromForm] string? name, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        var user = string.IsNullOrEmpty(name) || string.IsNullOrEmpty(password) ? null : await users.VerifyAsync(name, password, http.RequestAborted);
        if (user is null)
        {
            return Form(http, antiforgery, returnUrl, "Wrong user name or password.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role), new Claim(ApiClaims.Surface, "ui")],
            SecurityExtensions.CookieScheme);
        await http.SignInAsync(SecurityExtensions.CookieScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/admin");
    }

    private static IResult Form(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var body = $"""
            <form method="post" action="{SignInPath}">
              <input type="hidden" name="{tokens.FormFieldName}" value="{Encode(tokens.RequestToken)}">
              <input type="hidden" name="returnUrl" value="{Encode(IsLocal(returnUrl) ? returnUrl : "/admin")}">
              {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{Encode(error)}</p>")}
              <label for="name">User name</label><input id="name" name="name" autocomplete="username" required autofocus>
              <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
              <button type="submit">Sign in</button>
            </form>
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
        </style></head>
        <body><h1>{{Encode(title)}}</h1>{{body}}</body></html>
        """,
        "text/html; charset=utf-8",
        statusCode: (int)status);

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
