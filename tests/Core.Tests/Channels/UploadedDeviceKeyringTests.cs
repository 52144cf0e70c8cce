using System.Text;
using System.Text.Json.Nodes;
using SystemImage.Core.Channels;
using SystemImage.Core.Compression;
using SystemImage.Core.Operations;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Channels;

/// <summary>A device keyring made by someone else (a vendor's gpg key) uploaded for one device and published as its device.tar.xz.</summary>
public sealed class UploadedDeviceKeyringTests : IAsyncLifetime
{
    private static readonly Actor Tester = new("tester", "cli");
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly Gpg _gpg = new();
    private TestDataDirectory _data = null!;

    private DeviceService Devices => _data.Get<DeviceService>();

    public async Task InitializeAsync()
    {
        _data = await TestDataDirectory.CreateAsync();
        await _data.Get<ChannelService>().CreateAsync("stable", false, Tester, None);
        await Devices.CreateAsync("stable", "mako", false, Tester, None);
        Assert.Equal(0, _gpg.RunGpg("--passphrase", "", "--quick-gen-key", "Vendor <release@vendor.example>", "rsa2048", "sign", "1y").ExitCode);
    }

    public async Task DisposeAsync()
    {
        await _data.DisposeAsync();
        _gpg.Dispose();
    }

    [Fact]
    public async Task ArmoredGpgExportIsPublishedForTheDeviceSignedByImageSigning()
    {
        var upload = Export("--armor");
        var (keyring, refusal) = UploadedKeyring.Parse(upload, "mako", DateTimeOffset.UtcNow);
        Assert.Null(refusal);

        var result = await Devices.PublishKeyringAsync("stable", "mako", keyring, Tester, None);

        Assert.True(result.Succeeded, result.Message);
        var entries = TreeAssert.ReadTarXz(_data.File("/stable/mako/device.tar.xz"));
        var json = JsonNode.Parse(entries["keyring.json"])!;
        Assert.Equal(("device-signing", "mako"), (json["type"]!.GetValue<string>(), json["model"]!.GetValue<string>()));
        var expiry = DateTimeOffset.FromUnixTimeSeconds(json["expiry"]!.GetValue<long>());
        Assert.InRange(expiry, DateTimeOffset.UtcNow.AddDays(360), DateTimeOffset.UtcNow.AddDays(370));
        Assert.Equal([VendorFingerprint()], TrustedKeys.FromOpenPgpKeyring(entries["keyring.gpg"]).Fingerprints);
        var imageSigning = TreeAssert.ReadTarXz(_data.File("/gpg/image-signing.tar.xz"))["keyring.gpg"];
        var check = _gpg.Verify(imageSigning, File.ReadAllBytes(_data.File("/stable/mako/device.tar.xz.asc")), File.ReadAllBytes(_data.File("/stable/mako/device.tar.xz")));
        Assert.True(check.IsValid, check.Output);
        Assert.Equal("/stable/mako/device.tar.xz", TreeAssert.Channels(_data)["stable"]!["devices"]!["mako"]!["keyring"]!["path"]!.GetValue<string>());
        var summary = (await _data.Get<ChannelQueries>().FindOrNullAsync("stable", None))!.Devices.Single();
        Assert.True(summary.KeyringUploaded);
        Assert.Equal(expiry, summary.KeyringExpiry!.Value, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task TheKeyringSurvivesRotationAndReSigningAndGoesBackToTheServersKeyOnRequest()
    {
        var (keyring, _) = UploadedKeyring.Parse(Export(), "mako", DateTimeOffset.UtcNow);
        await Devices.PublishKeyringAsync("stable", "mako", keyring, Tester, None);
        var published = File.ReadAllBytes(_data.File("/stable/mako/device.tar.xz"));

        Assert.True((await _data.Get<KeyService>().RotateAsync(KeyNames.DeviceSigning, Tester, None)).Succeeded);
        Assert.Equal(published, File.ReadAllBytes(_data.File("/stable/mako/device.tar.xz")));

        Assert.True((await Devices.PublishKeyringAsync("stable", "mako", null, Tester, None)).Succeeded);
        var server = TrustedKeys.FromOpenPgpKeyring(TreeAssert.ReadTarXz(_data.File("/stable/mako/device.tar.xz"))["keyring.gpg"]);
        Assert.Equal([_data.Get<KeyStore>().Describe(KeyNames.DeviceSigning).Fingerprint], server.Fingerprints);
        Assert.False((await _data.Get<ChannelQueries>().FindOrNullAsync("stable", None))!.Devices.Single().KeyringUploaded);
    }

    [Fact]
    public async Task AnAliasAndACopyCarryTheUploadedKeyring()
    {
        var (keyring, _) = UploadedKeyring.Parse(Export(), "mako", DateTimeOffset.UtcNow);
        await Devices.PublishKeyringAsync("stable", "mako", keyring, Tester, None);

        await _data.Get<ChannelService>().CreateAliasAsync("current", "stable", Tester, None);
        await _data.Get<ChannelService>().CreateAsync("rc", false, Tester, None);
        await Devices.CopyAllAsync("stable", "rc", Tester, None);

        foreach (var channel in new[] { "current", "rc" })
        {
            var keys = TrustedKeys.FromOpenPgpKeyring(TreeAssert.ReadTarXz(_data.File($"/{channel}/mako/device.tar.xz"))["keyring.gpg"]);
            Assert.Equal([VendorFingerprint()], keys.Fingerprints);
        }
    }

    [Fact]
    public void AKeyringTarballIsCheckedForTypeAndModel()
    {
        var (keyring, refusal) = UploadedKeyring.Parse(Tarball("device-signing", "mako"), "mako", DateTimeOffset.UtcNow);
        Assert.Null(refusal);
        Assert.Equal([VendorFingerprint()], keyring!.Fingerprints);
        Assert.Equal(DateTimeOffset.UtcNow.AddDays(30), keyring.Expiry!.Value, TimeSpan.FromSeconds(5));

        Assert.Contains("type is 'image-signing'", UploadedKeyring.Parse(Tarball("image-signing", "mako"), "mako", DateTimeOffset.UtcNow).Refusal);
        Assert.Contains("for model 'flo', not for device 'mako'", UploadedKeyring.Parse(Tarball("device-signing", "flo"), "mako", DateTimeOffset.UtcNow).Refusal);
        Assert.Contains("expired", UploadedKeyring.Parse(Tarball("device-signing", null), "mako", DateTimeOffset.UtcNow.AddDays(31)).Refusal);
    }

    [Fact]
    public async Task PrivateKeysGarbageAndExpiredKeysAreRefusedAndNothingIsPublished()
    {
        var secret = _gpg.RunGpg("--pinentry-mode", "loopback", "--passphrase", "", "--armor", "--export-secret-keys");
        Assert.Contains("private key", UploadedKeyring.Parse(Encoding.ASCII.GetBytes(secret.Output), "mako", DateTimeOffset.UtcNow).Refusal);
        Assert.StartsWith("Not a keyring:", UploadedKeyring.Parse(Encoding.ASCII.GetBytes("hello, world\n"), "mako", DateTimeOffset.UtcNow).Refusal);
        Assert.Equal("The upload is empty.", UploadedKeyring.Parse([], "mako", DateTimeOffset.UtcNow).Refusal);
        Assert.Contains("at most 1024 KiB", UploadedKeyring.Parse(new byte[UploadedKeyring.MaxBytes + 1], "mako", DateTimeOffset.UtcNow).Refusal);
        Assert.Matches("^Key [0-9A-F]{40} expired on ", UploadedKeyring.Parse(Export(), "mako", DateTimeOffset.UtcNow.AddYears(2)).Refusal);

        TreeAssert.Missing(_data, "/stable/mako/device.tar.xz");
        Assert.False(TreeAssert.Channels(_data)["stable"]!["devices"]!["mako"]!.AsObject().ContainsKey("keyring"));
    }

    private byte[] Export(params string[] options)
    {
        var path = Path.Combine(_gpg.Home, $"export-{Guid.NewGuid():N}");
        Assert.Equal(0, _gpg.RunGpg([.. options, "--output", path, "--export"]).ExitCode);
        return File.ReadAllBytes(path);
    }

    private string VendorFingerprint() => TrustedKeys.FromOpenPgpKeyring(Export()).Fingerprints.Single();

    private byte[] Tarball(string type, string? model)
    {
        var rings = new Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKeyRingBundle(Export()).GetKeyRings().ToList();
        using var tar = new MemoryStream();
        KeyringTarball.Write(tar, type, rings, DateTimeOffset.UtcNow.AddDays(30), model, DateTimeOffset.UtcNow);
        tar.Position = 0;
        using var compressed = new MemoryStream();
        using (var xz = new XzEncoderStream(compressed, new XzSettings { Preset = 1, Threads = 1 }, leaveOpen: true))
        {
            tar.CopyTo(xz);
        }

        return compressed.ToArray();
    }
}
