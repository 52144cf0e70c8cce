using System.ComponentModel.DataAnnotations;

namespace SystemImage.Core.Security;

/// <summary>How local accounts are protected against guessing: the lockout after wrong passwords in a row.</summary>
public sealed class SignInOptions
{
    public const string SectionName = "SystemImage:SignIn";

    /// <summary>Wrong passwords in a row (sign-in or password change) that lock an account. Default 5.</summary>
    [Range(1, 1000)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a locked account refuses every sign-in, even with the right password. Default 5 minutes.</summary>
    [Range(1, 24 * 60)]
    public int LockoutMinutes { get; set; } = 5;
}
