using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SystemImage.Admin.Ui.SignIn;
using SystemImage.Core.Operations;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>
/// Local password sign-in for the admin UI: the user's name, role, surface <c>ui</c>, account id and security stamp
/// in the sign-in cookie; and the password change, which gives this browser a cookie with the new stamp.
/// </summary>
public sealed class AdminSignIn(UserSessions sessions, IOptions<SingleSignOnOptions> sso) : IAdminSignIn
{
    public string? SingleSignOnName => sso.Value.Enabled ? sso.Value.DisplayName : null;

    public string SingleSignOnPath => SingleSignOn.StartPath;

    public async Task<bool> SignInAsync(HttpContext http, string name, string password)
    {
        var outcome = await sessions.SignInAsync(name, password, ClientAddress.Of(http), http.RequestAborted);
        if (outcome.Session is not { } session)
        {
            return false;
        }

        await IssueCookieAsync(http, session);
        return true;
    }

    public async Task<OperationResult> ChangePasswordAsync(HttpContext http, string current, string replacement)
    {
        if (UserClaims.UserIdOrNull(http.User) is not { } id)
        {
            return OperationResult.Invalid("Only local accounts have a password here; a single sign-on password is changed at the identity provider.");
        }

        var (result, session) = await sessions.ChangePasswordAsync(id, current, replacement, ClientAddress.Of(http), http.RequestAborted);
        if (session is not null)
        {
            await IssueCookieAsync(http, session);
        }

        return result;
    }

    private static Task IssueCookieAsync(HttpContext http, UserSession session) =>
        http.SignInAsync(SecurityExtensions.CookieScheme, new ClaimsPrincipal(new ClaimsIdentity(UserClaims.ForSession(session), SecurityExtensions.CookieScheme)));
}
