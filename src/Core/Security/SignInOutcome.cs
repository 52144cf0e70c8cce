namespace SystemImage.Core.Security;

/// <summary>The answer to a password sign-in: a session, or why it was refused (for the log only; people are told the same thing whatever the reason).</summary>
public sealed record SignInOutcome(SignInRefusal? Refusal, UserSession? Session)
{
    public bool Succeeded => Session is not null;
}

/// <summary>Why a sign-in was refused.</summary>
public enum SignInRefusal
{
    UnknownUser,
    WrongPassword,
    LockedOut,
    Disabled,
}

/// <summary>A signed-in local user and the security stamp their session carries (<see cref="UserClaims.SecurityStamp"/>).</summary>
public sealed record UserSession(UserInfo User, string SecurityStamp);
