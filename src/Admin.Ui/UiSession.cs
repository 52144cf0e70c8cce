using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using SystemImage.Admin.Ui.Shared;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;

namespace SystemImage.Admin.Ui;

/// <summary>
/// The signed-in person of this circuit: who they are for the audit log (surface <c>ui</c>) and what their role lets
/// them do. Pages hide controls a role may not use, and every action checks again with <see cref="CanAsync"/>.
/// </summary>
public sealed partial class UiSession(AuthenticationStateProvider authentication, ILogger<UiSession> logger)
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

    /// <summary>
    /// The one shape of every action: checks the role again, then runs <paramref name="action"/> (one Core call) with
    /// the signed-in user as the audit actor; refuses, naming the role it takes, when the user's role is too low. An
    /// exception (a bug, a broken database) is logged and comes back as a failed result with its reason, so the page
    /// shows it in its notice and keeps working.
    /// </summary>
    /// <param name="role">The least role the action needs (as API.md assigns it).</param>
    /// <param name="what">What the action does, for the refusal: "rename channels".</param>
    /// <param name="action">One Core call with the audit actor.</param>
    public async Task<OperationResult> RunAsync(Role role, string what, Func<Actor, Task<OperationResult>> action)
    {
        if (!await CanAsync(role))
        {
            return OperationResult.Invalid($"Your role cannot {what}; it takes the {Roles.Name(role)} role.");
        }

        var actor = await ActorAsync();
        try
        {
            return await action(actor);
        }
        catch (Exception e)
        {
            LogActionFailed(logger, e, actor.Name, what);

            // The UI tells only success from failure; Conflict stands for "it did not happen" here.
            return OperationResult.Conflict($"Could not {what}: {ActionFailure.Reason(e)}");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An action of {User} failed ({What})")]
    private static partial void LogActionFailed(ILogger logger, Exception exception, string user, string what);
}
