using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;

namespace SystemImage.Admin.Ui;

/// <summary>
/// The signed-in person of this circuit: who they are for the audit log (surface <c>ui</c>) and what their role lets
/// them do. Pages hide controls a role may not use, and every action checks again with <see cref="CanAsync"/>.
/// </summary>
public sealed class UiSession(AuthenticationStateProvider authentication)
{
    public async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    /// <summary>The actor audit entries name: the user (<c>sso:NAME</c> for single sign-on users) from the <c>ui</c> surface.</summary>
    public async Task<Actor> ActorAsync()
    {
        var user = await UserAsync();
        return new Actor(UserClaims.ToActor(user).Name, "ui");
    }

    public async Task<Role?> RoleAsync()
    {
        var user = await UserAsync();
        return user.Identity?.IsAuthenticated == true ? UserClaims.RoleOf(user) : null;
    }

    /// <summary>Whether the user is signed in with at least <paramref name="role"/>.</summary>
    public async Task<bool> CanAsync(Role role) => await RoleAsync() is { } mine && mine >= role;
}
