using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Signing;

public sealed class KeyGeneratorTests : IClassFixture<KeyGeneratorTests.GeneratedKey>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly PgpSecretKeyRing _ring;

    public KeyGeneratorTests(GeneratedKey key) => _ring = key.Ring;

    [Fact]
    public void MakesOnlyAPrimaryKeyWithNoSubkeys()
    {
        Assert.Single(_ring.GetPublicKeys());
        Assert.True(_ring.GetPublicKey().IsMasterKey);
        Assert.Equal(2048, _ring.GetPublicKey().BitStrength);
        Assert.Equal(PublicKeyAlgorithmTag.RsaGeneral, _ring.GetPublicKey().Algorithm);
    }

    [Fact]
    public void TheUserIdNamesTheKey()
    {
        Assert.Equal(["System Image device-signing key"], _ring.GetPublicKey().GetUserIds());
    }

    [Fact]
    public void TheSelfSignatureIsAPositiveSha512CertificationForSignAndCertify()
    {
        var key = _ring.GetPublicKey();
        var signature = Assert.Single(key.GetSignaturesForId("System Image device-signing key"));

        Assert.Equal(PgpSignature.PositiveCertification, signature.SignatureType);
        Assert.Equal(HashAlgorithmTag.Sha512, signature.HashAlgorithm);
        Assert.Equal(PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign, signature.GetHashedSubPackets().GetKeyFlags());
        Assert.Equal(Now.UtcDateTime, signature.CreationTime);
        signature.InitVerify(key);
        Assert.True(signature.VerifyCertification("System Image device-signing key", key));
    }

    [Fact]
    public void CreationTimeComesFromTheTimeProviderAndExpiryFromTheValidity()
    {
        var key = _ring.GetPublicKey();

        Assert.Equal(Now.UtcDateTime, key.CreationTime);
        Assert.Equal((long)TimeSpan.FromDays(31).TotalSeconds, key.GetValidSeconds());
    }

    [Fact]
    public void AKeyWithoutValidityNeverExpires()
    {
        var ring = new KeyGenerator(new FixedTimeProvider(Now)).Generate(KeyNames.ImageMaster, 2048, null);

        Assert.Equal(0, ring.GetPublicKey().GetValidSeconds());
        Assert.Null(ring.GetPublicKey().GetSignatures().Single().GetHashedSubPackets().GetSubpacket(SignatureSubpacketTag.KeyExpireTime));
    }

    [Fact]
    public void TheSecretKeyIsUnprotected()
    {
        var secret = _ring.GetSecretKey();

        Assert.Equal(SymmetricKeyAlgorithmTag.Null, secret.KeyEncryptionAlgorithm);
        Assert.NotNull(secret.ExtractPrivateKey(null));
    }

    [Fact]
    public void GpgAgreesOnCapabilitiesCreationAndExpiry()
    {
        using var gpg = new Gpg();
        var file = Path.Combine(gpg.Home, "key.pub");
        File.WriteAllBytes(file, _ring.GetPublicKey().GetEncoded());

        var shown = gpg.RunGpg("--with-colons", "--show-keys", file);

        // pub:<validity>:<bits>:<algo>:<keyid>:<created>:<expires>:...:<capabilities>
        var pub = shown.Output.Split('\n').Single(line => line.StartsWith("pub:", StringComparison.Ordinal)).Split(':');
        Assert.Equal("2048", pub[2]);
        Assert.Equal("1", pub[3]);
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(), pub[5]);
        Assert.Equal(Now.AddDays(31).ToUnixTimeSeconds().ToString(), pub[6]);
        Assert.Contains("s", pub[11], StringComparison.Ordinal);
        Assert.Contains("c", pub[11], StringComparison.Ordinal);
        Assert.DoesNotContain("sub:", shown.Output, StringComparison.Ordinal);
    }

    /// <summary>One device-signing key generated at <see cref="Now"/>, valid for 31 days.</summary>
    public sealed class GeneratedKey
    {
        public PgpSecretKeyRing Ring { get; } =
            new KeyGenerator(new FixedTimeProvider(Now)).Generate(KeyNames.DeviceSigning, 2048, TimeSpan.FromDays(31));
    }
}
