using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;
using Xunit.Abstractions;

namespace SystemImage.Core.Tests.Signing;

public static class OpenPgpSignerTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("{\n    \"global\": {}\n}\n");

    public static TheoryData<string> AllKeys => [.. KeyNames.All];

    [Collection(SigningKeysCollection.Name)]
    public sealed class SignDetached(SigningKeysFixture keys)
    {
        [Theory]
        [MemberData(nameof(AllKeys), MemberType = typeof(OpenPgpSignerTests))]
        public void SignatureByEachKeyVerifiesWithGpgvAgainstThatKeysPublicRing(string name)
        {
            using var gpg = new Gpg();

            var result = gpg.Verify(keys.PublicKeyring(name), keys.Signer.SignDetached(Data, name), Data);

            Assert.True(result.IsValid, result.Output);
        }

        [Theory]
        [MemberData(nameof(AllKeys), MemberType = typeof(OpenPgpSignerTests))]
        public void GpgvReportsThePrimaryKeyFingerprintAsTheSigningKey(string name)
        {
            using var gpg = new Gpg();
            var fingerprint = keys.Store.Describe(name).Fingerprint;

            var result = gpg.Verify(keys.PublicKeyring(name), keys.Signer.SignDetached(Data, name), Data);

            Assert.Equal(fingerprint, result.SigningKeyFingerprint);
            Assert.Equal(fingerprint, result.PrimaryKeyFingerprint);
        }

        [Fact]
        public void ASignatureIsRejectedWhenOneByteOfTheDataChanges()
        {
            using var gpg = new Gpg();
            var signature = keys.Signer.SignDetached(Data, KeyNames.ImageSigning);
            var changed = (byte[])Data.Clone();
            changed[3] ^= 0x01;

            var result = gpg.Verify(keys.PublicKeyring(KeyNames.ImageSigning), signature, changed);

            Assert.False(result.IsValid, result.Output);
            Assert.Contains("BADSIG", result.Output, StringComparison.Ordinal);
        }

        [Fact]
        public void AnImageSigningSignatureIsRejectedByAKeyringHoldingOnlyImageMaster()
        {
            using var gpg = new Gpg();
            var signature = keys.Signer.SignDetached(Data, KeyNames.ImageSigning);

            var result = gpg.Verify(keys.PublicKeyring(KeyNames.ImageMaster), signature, Data);

            Assert.False(result.IsValid, result.Output);
            Assert.Contains("NO_PUBKEY", result.Output, StringComparison.Ordinal);
        }

        [Fact]
        public void TheStreamOverloadSignsLargeDataThatGpgvAccepts()
        {
            using var gpg = new Gpg();
            var data = new byte[3 * 1024 * 1024 + 17];
            new Random(42).NextBytes(data);
            using var output = new MemoryStream();

            keys.Signer.SignDetached(new MemoryStream(data), output, KeyNames.ImageSigning);

            Assert.True(gpg.Verify(keys.PublicKeyring(KeyNames.ImageSigning), output.ToArray(), data).IsValid);
        }

        [Fact]
        public async Task TheAsyncOverloadWritesTheSameKindOfSignature()
        {
            using var gpg = new Gpg();
            using var output = new MemoryStream();

            await keys.Signer.SignDetachedAsync(new MemoryStream(Data), output, KeyNames.DeviceSigning);

            Assert.True(gpg.Verify(keys.PublicKeyring(KeyNames.DeviceSigning), output.ToArray(), Data).IsValid);
        }

        [Fact]
        public void OutputIsArmoredWithFooterAndNoVersionHeader()
        {
            var armored = Encoding.ASCII.GetString(keys.Signer.SignDetached(Data, KeyNames.ImageSigning));

            Assert.StartsWith("-----BEGIN PGP SIGNATURE-----\n\n", armored, StringComparison.Ordinal);
            Assert.EndsWith("-----END PGP SIGNATURE-----\n", armored, StringComparison.Ordinal);
            Assert.DoesNotContain("Version:", armored, StringComparison.Ordinal);
        }

        [Fact]
        public void TheSignatureIsAV4BinarySha512SignatureWithHashedCreationTimeAndIssuer()
        {
            var now = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
            var signer = new OpenPgpSigner(keys.Store, new FixedTimeProvider(now));
            var key = keys.Store.GetPublicKeyRing(KeyNames.ImageSigning).GetPublicKey();

            var signature = Signatures.Parse(signer.SignDetached(Data, KeyNames.ImageSigning));

            Assert.Equal(4, signature.Version);
            Assert.Equal(PgpSignature.BinaryDocument, signature.SignatureType);
            Assert.Equal(HashAlgorithmTag.Sha512, signature.HashAlgorithm);
            Assert.Equal(key.KeyId, signature.KeyId);
            var hashed = signature.GetHashedSubPackets();
            Assert.Equal(now.UtcDateTime, hashed.GetSignatureCreationTime());
            Assert.Equal(key.GetFingerprint(), hashed.GetIssuerFingerprint().GetFingerprint());
            Assert.Equal(key.KeyId, hashed.GetIssuerKeyId());
            Assert.True(Signatures.VerifiesWith(signer.SignDetached(Data, KeyNames.ImageSigning), Data, key));
        }

        [Fact]
        public void AnUnknownKeyNameIsRefused()
        {
            Assert.Throws<ArgumentException>(() => keys.Signer.SignDetached(Data, "nope"));
        }
    }

    [Collection(SigningKeysCollection.Name)]
    public sealed class Concurrency(SigningKeysFixture keys)
    {
        [Fact]
        public void ParallelCallsAllProduceValidSignatures()
        {
            var files = Enumerable.Range(0, 400).Select(i => Encoding.UTF8.GetBytes($"file {i}\n")).ToArray();
            var signatures = new byte[files.Length][];

            Parallel.For(0, files.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
                signatures[i] = keys.Signer.SignDetached(files[i], i % 2 == 0 ? KeyNames.ImageSigning : KeyNames.DeviceSigning));

            for (var i = 0; i < files.Length; i++)
            {
                var key = keys.Store.GetPublicKeyRing(i % 2 == 0 ? KeyNames.ImageSigning : KeyNames.DeviceSigning).GetPublicKey();
                Assert.True(Signatures.VerifiesWith(signatures[i], files[i], key), $"signature {i}");
            }
        }
    }
}
