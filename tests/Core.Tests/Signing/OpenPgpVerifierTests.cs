using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SystemImage.Core.Compression;
using SystemImage.Core.Signing;
using Xunit;

namespace SystemImage.Core.Tests.Signing;

public static class OpenPgpVerifierTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("{\n    \"channels\": {}\n}\n");

    [Collection(SigningKeysCollection.Name)]
    public sealed class Verify(SigningKeysFixture keys)
    {
        private static DateTimeOffset Now => DateTimeOffset.UtcNow;

        [Fact]
        public void AcceptsASignatureOfOurSignerWithTheSignersPublicKeyring()
        {
            var check = OpenPgpVerifier.Verify(Data, keys.Signer.SignDetached(Data, KeyNames.ImageSigning), Trusted(KeyNames.ImageSigning), Now);

            Assert.True(check.IsValid, check.Error);
            Assert.Equal(keys.Store.Describe(KeyNames.ImageSigning).Fingerprint, check.Fingerprint);
        }

        [Fact]
        public async Task AcceptsTheSameSignatureOverAStream()
        {
            var check = await OpenPgpVerifier.VerifyAsync(
                new MemoryStream(Data), keys.Signer.SignDetached(Data, KeyNames.ImageMaster), Trusted(KeyNames.ImageMaster), Now, CancellationToken.None);

            Assert.True(check.IsValid, check.Error);
        }

        [Fact]
        public void RefusesDataChangedByOneByte()
        {
            var signature = keys.Signer.SignDetached(Data, KeyNames.ImageSigning);
            var changed = (byte[])Data.Clone();
            changed[5] ^= 0x01;

            var check = OpenPgpVerifier.Verify(changed, signature, Trusted(KeyNames.ImageSigning), Now);

            Assert.False(check.IsValid);
            Assert.Equal("the signature does not match the data", check.Error);
        }

        [Fact]
        public void RefusesASignatureByAnotherKey()
        {
            var check = OpenPgpVerifier.Verify(Data, keys.Signer.SignDetached(Data, KeyNames.DeviceSigning), Trusted(KeyNames.ImageSigning), Now);

            Assert.False(check.IsValid);
            Assert.Contains("not a trusted primary key", check.Error, StringComparison.Ordinal);
        }

        [Fact]
        public void RefusesAKeyTheBlacklistNames()
        {
            var trusted = Trusted(KeyNames.ImageSigning).Except(Trusted(KeyNames.ImageSigning));

            var check = OpenPgpVerifier.Verify(Data, keys.Signer.SignDetached(Data, KeyNames.ImageSigning), trusted, Now);

            Assert.False(check.IsValid);
        }

        [Fact]
        public void RefusesASignatureByAKeyThatHasExpired()
        {
            var expiry = keys.Store.Describe(KeyNames.ImageSigning).Expiry!.Value;

            var check = OpenPgpVerifier.Verify(Data, keys.Signer.SignDetached(Data, KeyNames.ImageSigning), Trusted(KeyNames.ImageSigning), expiry.AddDays(1));

            Assert.False(check.IsValid);
            Assert.Contains("expired", check.Error, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("")]
        [InlineData("-----BEGIN PGP SIGNATURE-----\n\nnot base64 at all\n-----END PGP SIGNATURE-----\n")]
        [InlineData("just some text")]
        public void RefusesSomethingThatIsNotASignature(string signature)
        {
            var check = OpenPgpVerifier.Verify(Data, Encoding.ASCII.GetBytes(signature), Trusted(KeyNames.ImageSigning), Now);

            Assert.False(check.IsValid);
        }

        [Fact]
        public void RefusesASha1Signature()
        {
            var secret = keys.Store.GetSecretKey(KeyNames.ImageSigning);
            var generator = new PgpSignatureGenerator(secret.PublicKey.Algorithm, HashAlgorithmTag.Sha1);
            generator.InitSign(PgpSignature.BinaryDocument, secret.ExtractPrivateKey(null));
            generator.Update(Data);
            using var armored = new MemoryStream();
            using (var armor = new ArmoredOutputStream(armored))
            {
                generator.Generate().Encode(armor);
            }

            var check = OpenPgpVerifier.Verify(Data, armored.ToArray(), Trusted(KeyNames.ImageSigning), Now);

            Assert.False(check.IsValid);
            Assert.Contains("weak hash", check.Error, StringComparison.Ordinal);
        }

        private TrustedKeys Trusted(string name) => TrustedKeys.FromOpenPgpKeyring(keys.PublicKeyring(name));
    }

    [Collection(SigningKeysCollection.Name)]
    public sealed class Load(SigningKeysFixture keys) : IDisposable
    {
        private readonly TempDirectory _directory = new();

        [Fact]
        public void ReadsAKeyringTarballWithItsFacts()
        {
            var path = _directory.Combine("image-signing.tar.xz");
            File.WriteAllBytes(path, KeyringTarXz(KeyNames.ImageSigning));

            var trusted = TrustedKeys.Load(path);

            Assert.Equal(KeyNames.ImageSigning, trusted.Type);
            Assert.Equal(keys.Store.Describe(KeyNames.ImageSigning).Expiry, trusted.Expiry);
            Assert.Equal([keys.Store.Describe(KeyNames.ImageSigning).Fingerprint], trusted.Fingerprints);
        }

        [Fact]
        public void ReadsABinaryOpenPgpKeyring()
        {
            var path = _directory.Combine("keyring.gpg");
            File.WriteAllBytes(path, [.. keys.PublicKeyring(KeyNames.ArchiveMaster), .. keys.PublicKeyring(KeyNames.ImageMaster)]);

            var trusted = TrustedKeys.Load(path);

            Assert.Null(trusted.Type);
            Assert.Equal(2, trusted.Keys.Count);
        }

        [Fact]
        public void RefusesAFileThatIsNeither()
        {
            var path = _directory.Combine("garbage");
            File.WriteAllText(path, "garbage");

            Assert.Throws<InvalidDataException>(() => TrustedKeys.Load(path));
        }

        public void Dispose() => _directory.Dispose();

        private byte[] KeyringTarXz(string name)
        {
            using var compressed = new MemoryStream();
            using (var xz = new XzEncoderStream(compressed, new XzSettings { Preset = 1, Threads = 1 }, leaveOpen: true))
            {
                keys.Store.WriteKeyringTarball(name, xz, DateTimeOffset.UnixEpoch);
            }

            return compressed.ToArray();
        }
    }
}
