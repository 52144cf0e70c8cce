using System.Security.Cryptography;

namespace SystemImage.Core.Security;

/// <summary>What a password must be, and the one-time passwords the server makes.</summary>
public static class Passwords
{
    public const int MinimumLength = 12;

    /// <summary>Longer input is refused before it is hashed.</summary>
    public const int MaximumLength = 1024;

    /// <summary>144 random bits as 24 URL-safe characters.</summary>
    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    /// <summary>Why <paramref name="password"/> cannot be used, or null when it can.</summary>
    public static string? ProblemOrNull(string password) => password.Length switch
    {
        < MinimumLength => $"A password needs at least {MinimumLength} characters.",
        > MaximumLength => $"A password has at most {MaximumLength} characters.",
        _ => null,
    };

    /// <summary>A fresh security stamp: 128 random bits in hex.</summary>
    public static string NewSecurityStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
