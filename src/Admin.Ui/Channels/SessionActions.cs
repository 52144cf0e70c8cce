using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;

namespace SystemImage.Admin.Ui.Channels;

/// <summary>The one shape of every action of the channel pages: check the role again, then call Core as the signed-in user.</summary>
internal static class SessionActions
{
    /// <summary>Runs <paramref name="action"/> as the signed-in user when their role is at least <paramref name="role"/>, else refuses.</summary>
    /// <param name="session">The signed-in user.</param>
    /// <param name="role">The least role the action needs (as API.md assigns it).</param>
    /// <param name="what">What the action does, for the refusal: "rename channels".</param>
    /// <param name="action">One Core call with the audit actor.</param>
    public static async Task<OperationResult> RunAsAsync(this UiSession session, Role role, string what, Func<Actor, Task<OperationResult>> action) =>
        await session.CanAsync(role)
            ? await action(await session.ActorAsync())
            : OperationResult.Invalid($"Your role cannot {what}; it takes the {Roles.Name(role)} role.");
}
