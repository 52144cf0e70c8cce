using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SystemImage.Admin.Ui;
using SystemImage.Admin.Ui.SignIn;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>
/// The sign-in endpoints that are not pages: the start of single sign-on (<see cref="SingleSignOn"/>) and sign-out.
/// The sign-in and denied pages themselves are components of the admin UI (<see cref="SignInPage"/>, <see cref="DeniedPage"/>).
/// </summary>
public static class SignInEndpoints
{
    public static IEndpointRouteBuilder MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        // Browser steps of the admin UI, not API operations: the API reference leaves them out.
        app.MapGet(SingleSignOn.StartPath, StartSingleSignOn).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(AdminRoutes.SignOut, SignOutAsync).RequireAuthorization(SecurityExtensions.Viewer).ExcludeFromDescription();
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
            return TypedResults.Redirect(AdminRoutes.Denied + "?reason=" + DeniedPage.SsoUnavailableReason);
        }

        return TypedResults.Challenge(new AuthenticationProperties { RedirectUri = AdminRoutes.LocalOrHome(returnUrl) }, [SingleSignOn.SchemeName]);
    }

    /// <summary>
    /// Ends the cookie session: for a local user every session of theirs (a new security stamp, so a copy of the cookie
    /// is refused too); for a single sign-on user whose provider supports it, the provider's session too.
    /// </summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, UserSessions sessions, System.Security.Claims.ClaimsPrincipal user)
    {
        await antiforgery.ValidateRequestAsync(http);
        if (UserClaims.UserIdOrNull(user) is { } id)
        {
            await sessions.EndAllAsync(id, http.RequestAborted);
        }

        if (UserClaims.IsSingleSignOn(user) && await SingleSignOn.ProviderEndsSessionsAsync(http))
        {
            // The handler redirects to the provider's end-session endpoint (with the ID token as hint), which comes
            // back to the signed-out callback, which redirects to the sign-in page. It reads the hint from the cookie,
            // so the cookie goes second.
            await http.SignOutAsync(SingleSignOn.SchemeName, new AuthenticationProperties { RedirectUri = AdminRoutes.SignIn });
            await http.SignOutAsync(SecurityExtensions.CookieScheme);
            return Results.Empty;
        }

        await http.SignOutAsync(SecurityExtensions.CookieScheme);
        return Results.Redirect(AdminRoutes.SignIn);
    }

}
