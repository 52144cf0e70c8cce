using SystemImage.Core.Channels;
using SystemImage.Core.Generators;
using SystemImage.Core.Images;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Signing;
using SystemImage.Core.Tests.Generators.CdImage;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Publishing;

/// <summary>
/// Every kind of tarball the server writes reads with the same entry names in GNU tar, .NET's TarReader and Python's
/// tarfile, which devices unpack keyrings with (SPEC §2 "Every tarball: readable by Python's tarfile").
/// </summary>
public sealed class TarballReadersTests : IAsyncLifetime
{
    private static readonly Actor Tester = new("tester", "cli");
    private static readonly CancellationToken None = CancellationToken.None;
    private CdImageFixture _fixture = null!;

    private TestDataDirectory Data => _fixture.Data;

    public async Task InitializeAsync() => _fixture = await CdImageFixture.CreateAsync(seed: 11);

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task EveryTarballOfAPublishedTreeListsTheSameNamesInGnuTarDotNetAndPython()
    {
        await PublishManualImagesAsync();
        await ImportTwoCdImageBuildsAsync();

        var tarballs = Directory.EnumerateFiles(Data.PublishRoot, "*.tar.xz", SearchOption.AllDirectories)
            .ToDictionary(path => "/" + Path.GetRelativePath(Data.PublishRoot, path), TarReaders.AssertAgree);

        foreach (var keyring in new[] { "archive-master", "image-master", "image-signing", "blacklist" })
        {
            Assert.Equal(["keyring.json", "keyring.gpg"], tarballs[$"/gpg/{keyring}.tar.xz"]);
        }

        Assert.Equal(["keyring.json", "keyring.gpg"], tarballs["/stable/mako/device.tar.xz"]);
        Assert.Equal(["keyring.json", "keyring.gpg"], tarballs["/stable/flo/device.tar.xz"]);
        Assert.Contains("system/etc/system-image/channel.ini", tarballs["/stable/mako/version-2.tar.xz"]);
        Assert.Contains("system/etc/system-image/channel.ini", tarballs["/ubuntu-touch/devel/mako/version-2.tar.xz"]);
        var deltas = tarballs.Where(t => t.Key.Contains(".delta-", StringComparison.Ordinal)).ToList();
        Assert.Contains(deltas, d => d.Key.StartsWith("/pool/ubuntu-", StringComparison.Ordinal) && d.Value[0] == "removed" && d.Value.Any(n => n.StartsWith("system/", StringComparison.Ordinal)));
        Assert.Contains(deltas, d => d.Value[0] == "removed" && d.Value.Any(n => n.StartsWith("usr/share/doc/", StringComparison.Ordinal)));
        var repacked = tarballs.Where(t => !t.Key.Contains(".delta-", StringComparison.Ordinal) && t.Value.Contains("system/android")).ToList();
        Assert.Equal(2, repacked.Count);
        Assert.All(repacked, r => Assert.All(r.Value, name => Assert.StartsWith("system", name)));
        Assert.Contains(tarballs.Values, names => names.SequenceEqual(
            ["system/usr/share/system-image/archive-master.tar.xz", "system/usr/share/system-image/archive-master.tar.xz.asc"]));
    }

    /// <summary>stable/mako with the server's device keyring, stable/flo with an uploaded one; two builds each (fulls, a delta, version tarballs).</summary>
    private async Task PublishManualImagesAsync()
    {
        var devices = Data.Get<DeviceService>();
        Assert.True((await Data.Get<ChannelService>().CreateAsync("stable", false, Tester, None)).Succeeded);
        Assert.True((await devices.CreateAsync("stable", "mako", true, Tester, None)).Succeeded);
        Assert.True((await devices.CreateAsync("stable", "flo", false, Tester, None)).Succeeded);
        var vendorKey = Data.Get<KeyStore>().GetPublicKeyRing(KeyNames.DeviceSigning).GetEncoded();
        var (uploaded, refusal) = UploadedKeyring.Parse(vendorKey, "flo", DateTimeOffset.UtcNow);
        Assert.Null(refusal);
        Assert.True((await devices.PublishKeyringAsync("stable", "flo", uploaded, Tester, None)).Succeeded);

        var inputs = Directory.CreateDirectory(Path.Combine(Data.Path, "inputs")).FullName;
        foreach (var build in new[] { 1, 2 })
        {
            var rootfs = SimpleTarball.WriteBuild(Path.Combine(inputs, $"rootfs-{build}.tar.gz"), build);
            foreach (var device in new[] { "mako", "flo" })
            {
                var published = await Data.Get<ImageService>().PublishAsync(
                    new PublishImageRequest("stable", device, [new PartInput("ubuntu", rootfs)]), Tester, None);
                Assert.True(published.Succeeded, published.Message);
            }
        }
    }

    /// <summary>An automatic channel of a re-packed cdimage rootfs, the archive-master keyring and the version tarball.</summary>
    private async Task ImportTwoCdImageBuildsAsync()
    {
        const string channel = "ubuntu-touch/devel";
        Assert.True((await Data.Get<ChannelService>().CreateAsync(channel, false, Tester, None)).Succeeded);
        Assert.True((await Data.Get<DeviceService>().CreateAsync(channel, "mako", false, Tester, None)).Succeeded);
        var config = new ImporterConfig
        {
            Type = ChannelType.Auto,
            Files =
            [
                _fixture.Entry("cdimage-ubuntu", "ubuntu"),
                new ImportFile { Name = "keyring", Generator = "keyring", Arguments = [KeyNames.ArchiveMaster] },
                new ImportFile { Name = "version", Generator = "version" },
            ],
        };
        Assert.True((await Data.Get<ImporterConfigService>().SetAsync(channel, config, Tester, None)).Succeeded);

        Assert.True((await Data.Get<ImportService>().ImportAsync(channel, Tester, _fixture.Reporter, None)).Published);
        _fixture.Tree.AddBuild("20261126");
        Assert.True((await Data.Get<ImportService>().ImportAsync(channel, Tester, _fixture.Reporter, None)).Published);
    }
}
