using SystemImage.Core.Security;

namespace SystemImage.Core.Tests.Security;

/// <summary>Salted SHA-256 (any hashing does for the logic), counting what is verified against which hash.</summary>
public sealed class CountingHashing : IPasswordHashing
{
    private readonly List<string> _hashes = [];
    private int _verifications;

    /// <summary>Every hash <see cref="Hash"/> made.</summary>
    public IReadOnlyList<string> Made
    {
        get
        {
            lock (_hashes)
            {
                return [.. _hashes];
            }
        }
    }

    public int Verifications => Volatile.Read(ref _verifications);

    /// <summary>The hashes passwords were verified against, in order.</summary>
    public List<string> VerifiedAgainst { get; } = [];

    public string Hash(string password)
    {
        var salt = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var hash = salt + ":" + Digest(salt, password);
        lock (_hashes)
        {
            _hashes.Add(hash);
        }

        return hash;
    }

    public bool Verify(string hash, string password)
    {
        Interlocked.Increment(ref _verifications);
        lock (VerifiedAgainst)
        {
            VerifiedAgainst.Add(hash);
        }

        var parts = hash.Split(':');
        return parts.Length == 2 && parts[1] == Digest(parts[0], password);
    }

    private static string Digest(string salt, string password) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(salt + password)));
}
