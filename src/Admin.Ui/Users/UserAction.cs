using SystemImage.Core.Operations;

namespace SystemImage.Admin.Ui.Users;

/// <summary>
/// An action on a user the Users page asks about first: what the dialog says, the Core call, and the one-time
/// password to show once it has succeeded (for a password reset).
/// </summary>
public sealed record UserAction(string Title, string Text, string Label, Func<Actor, Task<OperationResult>> RunAsync)
{
    /// <summary>The user and one-time password to show when the action succeeds, or null.</summary>
    public (string Name, string Password)? Reveal { get; init; }
}
