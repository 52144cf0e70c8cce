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
internal sealed class SessionValidation(ILoggerFactory loggerFactory, UserSessions sessions, IHostApplicationLifetime lifetime)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
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

    /// <summary>
    /// A circuit's check. While the server stops, its services go before its circuits do: a check then would fail and
    /// sign the circuit out, logging an error and a failed render of every open page, so it leaves the state as it is
    /// (the circuit ends with the server).
    /// </summary>
    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (authenticationState.User.Identity?.IsAuthenticated != true || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return true;
        }

        try
        {
            return await sessions.IsCurrentAsync(authenticationState.User, cancellationToken);
        }
        catch (ObjectDisposedException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return true;
        }
    }

    /// <summary>For tests: the check a circuit makes every <see cref="CircuitInterval"/>.</summary>
    internal Task<bool> ValidateAsync(AuthenticationState authenticationState) =>
        ValidateAuthenticationStateAsync(authenticationState, CancellationToken.None);
}
