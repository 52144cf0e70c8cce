using System.ComponentModel.DataAnnotations;

namespace SystemImage.Server.Security;

/// <summary>
/// How many password attempts (sign-ins and password changes) the server takes per minute, counted per client and
/// per user name; more are refused with 429 before any password is checked. The lockout (<c>SystemImage:SignIn</c>)
/// works beside it, per account.
/// </summary>
public sealed class SignInRateLimitOptions
{
    public const string SectionName = "SystemImage:SignIn:RateLimit";

    /// <summary>Attempts one client address (an IPv6 /64) may make in any minute. Default 30.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerClientPerMinute { get; set; } = 30;

    /// <summary>Attempts on one user name, from anywhere, in any minute. Default 10.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerUserPerMinute { get; set; } = 10;
}
