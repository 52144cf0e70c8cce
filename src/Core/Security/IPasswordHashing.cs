namespace SystemImage.Core.Security;

/// <summary>Password hashing, provided by the host (ASP.NET Core Identity's hasher), so Core stays free of ASP.NET.</summary>
public interface IPasswordHashing
{
    string Hash(string password);

    /// <summary>True when <paramref name="password"/> matches <paramref name="hash"/>.</summary>
    bool Verify(string hash, string password);
}
