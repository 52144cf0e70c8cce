using System.Security.Cryptography;
using System.Text;
using SystemImage.Core.Security;

namespace SystemImage.TestUtilities;

/// <summary>
/// Salted SHA-256 passwords for tests that run Core's account services without the host (which hashes with ASP.NET
/// Core Identity's PBKDF2): the same shape, salt and verification, none of the cost.
/// </summary>
public sealed class FastPasswordHashing : IPasswordHashing
{
    public string Hash(string password)
    {
        var salt = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        return salt + ":" + Digest(salt, password);
    }

    public bool Verify(string hash, string password) =>
        hash.Split(':') is [var salt, var digest] && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(digest), Encoding.ASCII.GetBytes(Digest(salt, password)));

    private static string Digest(string salt, string password) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(salt + password)));
}
