using System.Runtime.Versioning;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Signing;

[UnsupportedOSPlatform("windows")]
public static class KeyStoreTests
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Collection(SigningKeysCollection.Name)]
    public sealed class Files(SigningKeysFixture keys)
    {
        [Fact]
        public void TheSecretsDirectoryIsMode0700()
        {
            Assert.Equal(Mode0700, File.GetUnixFileMode(keys.Store.SecretsDir));
        }

        [Fact]
        public void EveryKeyFileIsMode0600()
        {
            var files = Directory.GetFiles(keys.Store.SecretsDir);

            Assert.Equal(KeyNames.All.Count * 2, files.Length);
            Assert.All(files, file => Assert.Equal(Mode0600, File.GetUnixFileMode(file)));
        }

        [Fact]
        public void HasKeysIsTrueAfterGeneration()
        {
            Assert.True(keys.Store.HasKeys);
        }

        [Fact]
        public void GpgImportsEverySecretKeyFile()
        {
            using var gpg = new Gpg();

            foreach (var name in KeyNames.All)
            {
                var import = gpg.RunGpg("--import", keys.Store.SecretPath(name));
                Assert.True(import.ExitCode == 0, import.Output);
                Assert.Contains("secret keys imported: 1", import.Output, StringComparison.Ordinal);
            }

            var listing = gpg.RunGpg("--with-colons", "--list-secret-keys");
            foreach (var name in KeyNames.All)
            {
                Assert.Contains($"fpr:::::::::{keys.Store.Describe(name).Fingerprint}:", listing.Output, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void ThePublicFileHoldsOnlyPublicKeyMaterial()
        {
            using var gpg = new Gpg();

            var shown = gpg.RunGpg("--with-colons", "--show-keys", keys.Store.PublicPath(KeyNames.ImageSigning));

            Assert.True(shown.ExitCode == 0, shown.Output);
            Assert.StartsWith("pub:", shown.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("sec:", shown.Output, StringComparison.Ordinal);
        }

        [Fact]
        public void ToStringShowsNoKeyMaterial()
        {
            Assert.Equal($"KeyStore({keys.Store.SecretsDir})", keys.Store.ToString());
            Assert.Equal(
                $"image-signing {keys.Store.Describe(KeyNames.ImageSigning).Fingerprint}",
                keys.Store.GetSigningKey(KeyNames.ImageSigning).ToString());
        }
    }

    [Collection(SigningKeysCollection.Name)]
    public sealed class Describe(SigningKeysFixture keys)
    {
        [Fact]
        public void ReportsFingerprintKeyIdAndBits()
        {
            var key = keys.Store.GetPublicKeyRing(KeyNames.ImageMaster).GetPublicKey();

            var info = keys.Store.Describe(KeyNames.ImageMaster);

            Assert.Equal(KeyNames.ImageMaster, info.Name);
            Assert.Equal(Convert.ToHexString(key.GetFingerprint()), info.Fingerprint);
            Assert.Matches("^[0-9A-F]{40}$", info.Fingerprint);
            Assert.Equal(info.Fingerprint[^16..], info.KeyId);
            Assert.Equal(2048, info.Bits);
        }

        [Fact]
        public void SigningKeysExpireAfterTheirConfiguredDaysAndMastersNever()
        {
            var imageSigning = keys.Store.Describe(KeyNames.ImageSigning);
            var deviceSigning = keys.Store.Describe(KeyNames.DeviceSigning);

            Assert.Equal(imageSigning.Created.AddDays(730), imageSigning.Expiry);
            Assert.Equal(deviceSigning.Created.AddDays(31), deviceSigning.Expiry);
            Assert.Null(keys.Store.Describe(KeyNames.ArchiveMaster).Expiry);
            Assert.Null(keys.Store.Describe(KeyNames.ImageMaster).Expiry);
        }

        [Fact]
        public void AFreshStoreOnTheSameDirectoryLoadsTheSameKeys()
        {
            using var reopened = SigningKeysFixture.CreateStore(keys.Store.SecretsDir, SigningKeysFixture.Options);

            Assert.All(KeyNames.All, name => Assert.Equal(keys.Store.Describe(name), reopened.Describe(name)));
        }
    }

    [Collection(SigningKeysCollection.Name)]
    public sealed class GenerateAll(SigningKeysFixture keys)
    {
        [Fact]
        public void RefusesToOverwriteExistingKeysWithoutForce()
        {
            using var directory = CopyOf(keys.Store.SecretsDir);
            using var store = SigningKeysFixture.CreateStore(directory.Path, SigningKeysFixture.Options);
            var before = Snapshot(directory.Path);

            var result = store.GenerateAll(force: false);

            Assert.Equal(KeyGenerationResult.KeysExist, result);
            Assert.Equal(before, Snapshot(directory.Path));
        }

        [Fact]
        public void RefusesWhenEvenOneKeyFileExists()
        {
            using var directory = new TempDirectory();
            File.WriteAllBytes(directory.Combine("device-signing.pub"), [1]);
            using var store = SigningKeysFixture.CreateStore(directory.Path, SigningKeysFixture.Options);

            Assert.Equal(KeyGenerationResult.KeysExist, store.GenerateAll(force: false));
            Assert.Single(Directory.GetFiles(directory.Path));
        }

        [Fact]
        public void ReplacesEveryKeyWithForce()
        {
            using var directory = CopyOf(keys.Store.SecretsDir);
            using var store = SigningKeysFixture.CreateStore(directory.Path, SigningKeysFixture.Options);
            var before = KeyNames.All.Select(name => store.Describe(name).Fingerprint).ToList();

            var result = store.GenerateAll(force: true);

            Assert.Equal(KeyGenerationResult.Generated, result);
            Assert.All(KeyNames.All.Zip(before), pair => Assert.NotEqual(pair.Second, store.Describe(pair.First).Fingerprint));
            using var reopened = SigningKeysFixture.CreateStore(directory.Path, SigningKeysFixture.Options);
            Assert.All(KeyNames.All, name => Assert.Equal(store.Describe(name), reopened.Describe(name)));
            Assert.Empty(Directory.GetFiles(directory.Path, "*.tmp"));
        }

        [Fact]
        public void DefaultOptionsMake4096BitMastersAnd2048BitSigningKeys()
        {
            using var directory = new TempDirectory();
            using var store = SigningKeysFixture.CreateStore(directory.Combine("data", "secrets"), new SigningOptions());

            Assert.False(store.HasKeys);
            Assert.Equal(KeyGenerationResult.Generated, store.GenerateAll(force: false));

            Assert.Equal(4096, store.Describe(KeyNames.ArchiveMaster).Bits);
            Assert.Equal(4096, store.Describe(KeyNames.ImageMaster).Bits);
            Assert.Equal(2048, store.Describe(KeyNames.ImageSigning).Bits);
            Assert.Equal(2048, store.Describe(KeyNames.DeviceSigning).Bits);
            Assert.Equal(Mode0700, File.GetUnixFileMode(store.SecretsDir));
        }

        [Fact]
        public void KeysAreCreatedAtTheTimeProvidersTime()
        {
            var now = DateTimeOffset.UtcNow.AddDays(-3);
            using var directory = new TempDirectory();
            using var store = SigningKeysFixture.CreateStore(directory.Path, SigningKeysFixture.Options, new FixedTimeProvider(now));

            store.GenerateAll(force: false);

            var created = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
            Assert.All(KeyNames.All, name => Assert.Equal(created, store.Describe(name).Created));
        }

        private static TempDirectory CopyOf(string source)
        {
            var copy = new TempDirectory();
            foreach (var file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
            }

            return copy;
        }

        private static Dictionary<string, string> Snapshot(string directory) => Directory.GetFiles(directory)
            .ToDictionary(file => Path.GetFileName(file), file => Convert.ToHexString(File.ReadAllBytes(file)));
    }

    [Collection(SigningKeysCollection.Name)]
    public sealed class BlacklistKeyOfEarlierVersions(SigningKeysFixture keys)
    {
        [Fact]
        public void IsIgnoredAndLeftInPlace()
        {
            using var directory = new TempDirectory();
            foreach (var file in Directory.GetFiles(keys.Store.SecretsDir))
            {
                File.Copy(file, Path.Combine(directory.Path, Path.GetFileName(file)));
            }

            File.Copy(keys.Store.SecretPath(KeyNames.DeviceSigning), directory.Combine("blacklist.sec"));
            File.Copy(keys.Store.PublicPath(KeyNames.DeviceSigning), directory.Combine("blacklist.pub"));
            using var store = SigningKeysFixture.CreateStore(directory.Path, SigningKeysFixture.Options);

            store.Load();
            store.GenerateAll(force: true);

            Assert.True(store.HasKeys);
            Assert.Throws<ArgumentException>(() => store.Describe(KeyNames.Blacklist));
            Assert.Equal(File.ReadAllBytes(keys.Store.SecretPath(KeyNames.DeviceSigning)), File.ReadAllBytes(directory.Combine("blacklist.sec")));
            Assert.True(File.Exists(directory.Combine("blacklist.pub")));
        }
    }

    public sealed class Load
    {
        [Fact]
        public void AMissingKeyGivesAClearError()
        {
            using var directory = new TempDirectory();
            using var store = SigningKeysFixture.CreateStore(directory.Path, SigningKeysFixture.Options);

            var error = Assert.Throws<InvalidOperationException>(store.Load);

            Assert.Contains("archive-master", error.Message, StringComparison.Ordinal);
            Assert.Contains("generate-keys", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void AnUnknownKeyNameIsRefused()
        {
            using var directory = new TempDirectory();
            using var store = SigningKeysFixture.CreateStore(directory.Path, SigningKeysFixture.Options);

            Assert.Throws<ArgumentException>(() => store.Describe("../etc/passwd"));
        }
    }
}
