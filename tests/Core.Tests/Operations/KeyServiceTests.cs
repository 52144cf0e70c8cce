using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Operations;

public static class KeyServiceTests
{
    public sealed class RotateAsync : IAsyncLifetime
    {
        private TestDataDirectory _data = null!;

        public async Task InitializeAsync() => _data = await TestDataDirectory.CreateAsync();

        public async Task DisposeAsync() => await _data.DisposeAsync();

        [Fact]
        public async Task KeepsTheReplacedPublicKeyAsARetiredKey()
        {
            var store = _data.Get<KeyStore>();
            var (fingerprint, publicKey) = (store.Describe(KeyNames.ImageSigning).Fingerprint, store.GetPublicKeyRing(KeyNames.ImageSigning).GetEncoded());

            var result = await _data.Get<KeyService>().RotateAsync(KeyNames.ImageSigning, new Actor("tester", "cli"), CancellationToken.None);

            Assert.True(result.Succeeded, result.Message);
            await using var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
            var retired = Assert.Single(await db.RetiredKeys.ToListAsync());
            Assert.Equal((KeyNames.ImageSigning, fingerprint), (retired.Name, retired.Fingerprint));
            Assert.Equal(publicKey, retired.PublicKey);
            Assert.NotEqual(fingerprint, store.Describe(KeyNames.ImageSigning).Fingerprint);
        }
    }
}
