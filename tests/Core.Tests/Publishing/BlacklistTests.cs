using System.Formats.Tar;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Compression;
using SystemImage.Core.Hosting;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Publishing;

/// <summary>
/// <c>gpg/blacklist.tar.xz</c> is what devices take it to be: the keys whose signatures they refuse. A fresh tree
/// publishes it empty, as the classic server does, signed by image-master.
/// </summary>
public sealed class BlacklistTests : IAsyncLifetime
{
    private const string Blacklist = "/gpg/blacklist.tar.xz";
    private readonly Gpg _gpg = new();
    private TestDataDirectory _data = null!;

    public async Task InitializeAsync() => _data = await TestDataDirectory.CreateAsync();

    public async Task DisposeAsync()
    {
        _gpg.Dispose();
        await _data.DisposeAsync();
    }

    [Fact]
    public void AFreshTreePublishesAnEmptyBlacklist()
    {
        var entries = TreeAssert.ReadTarXz(_data.File(Blacklist));

        Assert.Equal("{\n    \"type\": \"blacklist\"\n}\n", Encoding.UTF8.GetString(entries["keyring.json"]));
        Assert.Empty(entries["keyring.gpg"]);
    }

    [Fact]
    public void GpgvAcceptsTheBlacklistWithTheImageMasterKeyring()
    {
        var result = Verify(Blacklist);

        Assert.True(result.IsValid, result.Output);
        Assert.Equal(_data.Get<KeyStore>().Describe(KeyNames.ImageMaster).Fingerprint, result.SigningKeyFingerprint);
    }

    [Fact]
    public void PythonsTarfileListsExactlyKeyringJsonAndKeyringGpg()
    {
        Assert.Equal(["keyring.json", "keyring.gpg"], TarReaders.AssertAgree(_data.File(Blacklist)));
    }

    [Fact]
    public async Task AnOldBlacklistHoldingTheBlacklistKeyIsEmptiedOnTheNextStart()
    {
        var oldKey = new KeyGenerator(TimeProvider.System).Generate(KeyNames.Blacklist, 2048, validity: null);
        using (var tar = new MemoryStream())
        {
            KeyringTarball.Write(tar, KeyNames.Blacklist, [new Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKeyRing(oldKey.GetPublicKey().GetEncoded())], null, null, DateTimeOffset.UtcNow);
            var content = Compress(tar.ToArray());
            await File.WriteAllBytesAsync(_data.File(Blacklist), content);
            await File.WriteAllBytesAsync(_data.File(Blacklist + ".asc"), _data.Get<OpenPgpSigner>().SignDetached(content, KeyNames.ImageMaster));
        }

        Assert.NotEmpty(TreeAssert.ReadTarXz(_data.File(Blacklist))["keyring.gpg"]);

        await _data.Get<DataDirectory>().RepairTreeAsync(CancellationToken.None);

        Assert.Empty(TreeAssert.ReadTarXz(_data.File(Blacklist))["keyring.gpg"]);
        Assert.True(Verify(Blacklist).IsValid);
    }

    [Fact]
    public async Task RevokedKeysArePublishedInTheOrderTheyWereRevokedWithTheNewestRevocationTime()
    {
        var store = _data.Get<KeyStore>();
        var first = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
        var second = first.AddDays(3).AddMilliseconds(250);
        await using (var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync())
        {
            db.RevokedKeys.Add(Revoked(store, KeyNames.ImageSigning, second));
            db.RevokedKeys.Add(Revoked(store, KeyNames.DeviceSigning, first));
            await db.SaveChangesAsync();
        }

        await PublishAsync(new PublishRequest { Keyrings = true });

        var expected = store.GetPublicKeyRing(KeyNames.DeviceSigning).GetEncoded().Concat(store.GetPublicKeyRing(KeyNames.ImageSigning).GetEncoded());
        Assert.Equal(expected, TreeAssert.ReadTarXz(_data.File(Blacklist))["keyring.gpg"]);
        Assert.Equal("{\n    \"type\": \"blacklist\"\n}\n", Encoding.UTF8.GetString(TreeAssert.ReadTarXz(_data.File(Blacklist))["keyring.json"]));
        Assert.All(EntryTimes(_data.File(Blacklist)), time => Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(second.ToUnixTimeSeconds()), time));
        Assert.True(Verify(Blacklist).IsValid);
        var (tarball, signature) = (File.ReadAllBytes(_data.File(Blacklist)), File.ReadAllBytes(_data.File(Blacklist + ".asc")));

        await PublishAsync(PublishRequest.All);

        Assert.Equal(tarball, File.ReadAllBytes(_data.File(Blacklist)));
        Assert.Equal(signature, File.ReadAllBytes(_data.File(Blacklist + ".asc")));
    }

    private static RevokedKey Revoked(KeyStore store, string name, DateTimeOffset at) => new()
    {
        Fingerprint = store.Describe(name).Fingerprint,
        PublicKey = store.GetPublicKeyRing(name).GetEncoded(),
        Label = name,
        RevokedAt = at,
        RevokedBy = "tester (cli)",
    };

    private static List<DateTimeOffset> EntryTimes(string tarXz)
    {
        using var file = File.OpenRead(tarXz);
        using var xz = new XzDecoderStream(file);
        using var reader = new TarReader(xz);
        var times = new List<DateTimeOffset>();
        while (reader.GetNextEntry() is { } entry)
        {
            times.Add(entry.ModificationTime);
        }

        return times;
    }

    private async Task PublishAsync(PublishRequest request)
    {
        await using var held = await _data.Get<PublishLock>().AcquireAsync(CancellationToken.None);
        await _data.Get<TreePublisher>().PublishAsync(request, CancellationToken.None);
    }

    private Gpg.VerifyResult Verify(string path) => _gpg.Verify(
        TreeAssert.ReadTarXz(_data.File("/gpg/image-master.tar.xz"))["keyring.gpg"],
        File.ReadAllBytes(_data.File(path + ".asc")),
        File.ReadAllBytes(_data.File(path)));

    private static byte[] Compress(byte[] tar)
    {
        using var output = new MemoryStream();
        using (var xz = new XzEncoderStream(output, new XzSettings { Preset = 6, Threads = 1 }, leaveOpen: true))
        {
            xz.Write(tar);
        }

        return output.ToArray();
    }
}
