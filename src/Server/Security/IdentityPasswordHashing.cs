using Microsoft.AspNetCore.Identity;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>Passwords hashed with ASP.NET Core Identity's hasher (PBKDF2 with a per-password salt).</summary>
internal sealed class IdentityPasswordHashing : IPasswordHashing
{
    private static readonly object User = new();
    private readonly PasswordHasher<object> _hasher = new();

    public string Hash(string password) => _hasher.HashPassword(User, password);

    public bool Verify(string hash, string password) =>
        _hasher.VerifyHashedPassword(User, hash, password) is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded;
}
