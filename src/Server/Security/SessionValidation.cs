using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>
/// Ends sessions the moment they stop being the user's: every request with the sign-in cookie checks its security
/// stamp against the account (<see cref="UserSessions.IsCurrentAsync"/>), and open Blazor circuits check it again
/// every <see cref="CircuitInterval"/>. A cookie copied before a sign-out, password change, role change, disabling or
/// removal is refused from then on.
/// </summary>
internal sealed class SessionValidation(ILoggerFactory loggerFactory, UserSessions sessions) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    public static readonly TimeSpan CircuitInterval = TimeSpan.FromSeconds(5);

    protected override TimeSpan RevalidationInterval => CircuitInterval;

    /// <summary>The cookie handler's check of each request: a stale session is rejected and its cookie removed.</summary>
    public static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<UserSessions>();
        if (context.Principal is not { } principal || !await sessions.IsCurrentAsync(principal, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(SecurityExtensions.CookieScheme);
        }
    }

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        authenticationState.User.Identity?.IsAuthenticated == true ? sessions.IsCurrentAsync(authenticationState.User, cancellationToken) : Task.FromResult(true);
}
