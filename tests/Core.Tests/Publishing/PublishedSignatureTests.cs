using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Publishing;

/// <summary>Real GnuPG (gpgv) checks the published tree with the keyrings taken out of the published keyring tarballs.</summary>
public sealed class PublishedSignatureTests : IAsyncLifetime
{
    private static readonly Actor Tester = new("tester", "cli");
    private readonly Gpg _gpg = new();
    private TestDataDirectory _data = null!;

    public async Task InitializeAsync()
    {
        _data = await TestDataDirectory.CreateAsync();
        await _data.Get<ChannelService>().CreateAsync("ubuntu-touch/stable", false, Tester, CancellationToken.None);
        await _data.Get<DeviceService>().CreateAsync("ubuntu-touch/stable", "mako", true, Tester, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _gpg.Dispose();
        await _data.DisposeAsync();
    }

    [Theory]
    [InlineData("/channels.json", "image-signing")]
    [InlineData("/ubuntu-touch/stable/mako/index.json", "image-signing")]
    [InlineData("/ubuntu-touch/stable/mako/device.tar.xz", "image-signing")]
    [InlineData("/gpg/image-signing.tar.xz", "image-master")]
    [InlineData("/gpg/blacklist.tar.xz", "image-master")]
    [InlineData("/gpg/image-master.tar.xz", "archive-master")]
    [InlineData("/gpg/archive-master.tar.xz", "archive-master")]
    public void GpgvAcceptsTheSignatureWithThePublishedKeyringOfTheSigner(string path, string signer)
    {
        var result = Verify(path, PublishedKeyring(signer));

        Assert.True(result.IsValid, result.Output);
        Assert.Equal(_data.Get<KeyStore>().Describe(signer).Fingerprint, result.SigningKeyFingerprint);
        Assert.Equal(result.PrimaryKeyFingerprint, result.SigningKeyFingerprint);
    }

    [Fact]
    public void ChannelsJsonIsNotSignedByTheDeviceKey()
    {
        var deviceKeyring = TreeAssert.ReadTarXz(_data.File("/ubuntu-touch/stable/mako/device.tar.xz"))["keyring.gpg"];

        Assert.False(Verify("/channels.json", deviceKeyring).IsValid);
    }

    [Fact]
    public void AFileChangedByOneByteIsRejected()
    {
        var data = File.ReadAllBytes(_data.File("/channels.json"));
        data[data.Length / 2] ^= 0x01;

        var result = _gpg.Verify(PublishedKeyring("image-signing"), File.ReadAllBytes(_data.File("/channels.json.asc")), data);

        Assert.False(result.IsValid, result.Output);
    }

    [Fact]
    public void AKeyringSignedByTheWrongKeyIsRejected() =>
        Assert.False(Verify("/gpg/image-signing.tar.xz", PublishedKeyring("archive-master")).IsValid);

    private Gpg.VerifyResult Verify(string path, byte[] keyring) =>
        _gpg.Verify(keyring, File.ReadAllBytes(_data.File(path + ".asc")), File.ReadAllBytes(_data.File(path)));

    private byte[] PublishedKeyring(string name) => TreeAssert.ReadTarXz(_data.File($"/gpg/{name}.tar.xz"))["keyring.gpg"];
}
