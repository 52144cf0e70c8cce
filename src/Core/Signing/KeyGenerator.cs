using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;

namespace SystemImage.Core.Signing;

/// <summary>
/// Generates OpenPGP v4 RSA keys: one primary key that can sign and certify, no subkeys, a positive
/// self-certification hashed with SHA-512, and an unprotected secret key that <c>gpg --import</c> accepts.
/// </summary>
public sealed class KeyGenerator(TimeProvider timeProvider)
{
    /// <summary>The user id written on the key named <paramref name="name"/>.</summary>
    public static string UserIdOf(string name) => $"System Image {name} key";

    /// <summary>Generates the key <paramref name="name"/> with an RSA modulus of <paramref name="bits"/> bits.</summary>
    /// <param name="name">Key name, used in the user id.</param>
    /// <param name="bits">RSA modulus size.</param>
    /// <param name="validity">Lifetime after creation, or null for a key that never expires.</param>
    public PgpSecretKeyRing Generate(string name, int bits, TimeSpan? validity)
    {
        // OpenPGP stores whole seconds; truncate so the key and its self-signature carry the same time.
        var now = timeProvider.GetUtcNow();
        var created = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()).UtcDateTime;

        var keyPair = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, CreateRsaKeyPair(bits), created);

        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetSignatureCreationTime(false, created);
        hashed.SetKeyFlags(false, PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign);
        hashed.SetPreferredHashAlgorithms(false,
            [(int)HashAlgorithmTag.Sha512, (int)HashAlgorithmTag.Sha384, (int)HashAlgorithmTag.Sha256]);
        hashed.SetIssuerFingerprint(false, keyPair.PublicKey);
        if (validity is { } lifetime)
        {
            hashed.SetKeyExpirationTime(false, (long)lifetime.TotalSeconds);
        }

        // The overload with a HashAlgorithmTag makes a SHA-512 self-signature (the short one uses SHA-1);
        // useSha1 = false gives the unprotected secret key the simple checksum gpg expects.
        var generator = new PgpKeyRingGenerator(
            PgpSignature.PositiveCertification,
            keyPair,
            UserIdOf(name),
            SymmetricKeyAlgorithmTag.Null,
            HashAlgorithmTag.Sha512,
            (char[]?)null, // no passphrase
            false, // useSha1
            hashed.Generate(),
            null, // no unhashed subpackets
            new SecureRandom());
        return generator.GenerateSecretKeyRing();
    }

    // BouncyCastle's own RSA generator takes seconds for 4096 bits; OpenSSL (through .NET) is several times faster.
    private static AsymmetricCipherKeyPair CreateRsaKeyPair(int bits)
    {
        using var rsa = RSA.Create(bits);
        var parameters = rsa.ExportParameters(includePrivateParameters: true);
        try
        {
            return DotNetUtilities.GetRsaKeyPair(parameters);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
            CryptographicOperations.ZeroMemory(parameters.P);
            CryptographicOperations.ZeroMemory(parameters.Q);
            CryptographicOperations.ZeroMemory(parameters.DP);
            CryptographicOperations.ZeroMemory(parameters.DQ);
            CryptographicOperations.ZeroMemory(parameters.InverseQ);
        }
    }
}
