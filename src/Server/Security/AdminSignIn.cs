using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SystemImage.Admin.Ui.SignIn;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>Local password sign-in for the admin UI: the user's name, role and surface <c>ui</c> in the sign-in cookie.</summary>
public sealed class AdminSignIn(UserService users, IOptions<SingleSignOnOptions> sso) : IAdminSignIn
{
    public string? SingleSignOnName => sso.Value.Enabled ? sso.Value.DisplayName : null;

    public string SingleSignOnPath => SingleSignOn.StartPath;

    public async Task<bool> SignInAsync(HttpContext http, string name, string password)
    {
        if (await users.VerifyAsync(name, password, http.RequestAborted) is not { } user)
        {
            return false;
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role), new Claim(UserClaims.Surface, "ui")],
            SecurityExtensions.CookieScheme);
        await http.SignInAsync(SecurityExtensions.CookieScheme, new ClaimsPrincipal(identity));
        return true;
    }
}
