using SystemImage.Core.Adoption;
using Xunit;

namespace SystemImage.Core.Tests.Adoption;

/// <summary>
/// Completed downloads counted in memory and flushed into hourly rows, attributed by each image's marker file over
/// three devices that share their rootfs.
/// </summary>
public sealed class DownloadFlusherTests : IAsyncLifetime
{
    private AdoptionFixture _f = null!;

    public async Task InitializeAsync() => _f = await AdoptionFixture.CreateAsync();

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private static (int Version, long Full, long Delta, long CheckIns)[] Summary(IEnumerable<DailyDownloads> days) =>
        [.. days.GroupBy(d => d.Version).Select(g => (g.Key, g.Sum(d => d.Full), g.Sum(d => d.Delta), g.Sum(d => d.CheckIns)))];

    [Fact]
    public async Task AFullUpdateCountsOnceForItsDeviceAndTheSharedRootfsForNoOtherDevice()
    {
        _f.Download([.. _f.Files("mako", 2)]);

        var downloads = await _f.FlushAndReadAsync();

        var device = Assert.Single(downloads.Devices);
        Assert.Equal("mako", device.Device);
        Assert.Equal([(2, 1L, 0L, 0L)], Summary(device.Days));
        Assert.Equal([(2, 1L, 0L, 0L)], Summary(downloads.Days));
    }

    [Fact]
    public async Task ADeltaUpdateCountsAsADeltaOfItsOwnDevice()
    {
        _f.Download([.. _f.Files("krillin", 2, deltaBase: 1)]);
        _f.Download([.. _f.Files("flo", 2, deltaBase: 1)]);

        var downloads = await _f.FlushAndReadAsync();

        Assert.Equal(["flo", "krillin"], downloads.Devices.Select(d => d.Device));
        Assert.All(downloads.Devices, d => Assert.Equal([(2, 0L, 1L, 0L)], Summary(d.Days)));
        Assert.Equal([(2, 0L, 2L, 0L)], Summary(downloads.Days));
    }

    [Fact]
    public async Task OnlyTheSharedRootfsCountsForNobody()
    {
        var rootfs = _f.Files("mako", 2)[0];
        Assert.Equal(rootfs, _f.Files("flo", 2)[0]);
        _f.Download(rootfs, rootfs);

        var downloads = await _f.FlushAndReadAsync();

        Assert.Empty(downloads.Days);
    }

    [Fact]
    public async Task IndexFetchesAreCheckInsUnderTheNewestVersion()
    {
        _f.Download("/stable/mako/index.json", "/stable/mako/index.json", "/stable/flo/index.json");

        var downloads = await _f.FlushAndReadAsync("mako");

        var device = Assert.Single(downloads.Devices);
        Assert.Equal([(2, 0L, 0L, 2L)], Summary(device.Days));
    }

    [Fact]
    public async Task ASecondFlushAddsToTheSameHour()
    {
        _f.Download(_f.DeviceFile("mako", 2));
        await _f.FlushAndReadAsync();
        _f.Download(_f.DeviceFile("mako", 2));

        var downloads = await _f.FlushAndReadAsync();

        Assert.Equal([(2, 2L, 0L, 0L)], Summary(downloads.Days));
        Assert.Equal(0, await _f.Data.Get<DownloadFlusher>().FlushAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ANewBuildIsCountedWithoutWaitingForTheRefreshInterval()
    {
        await _f.FlushAndReadAsync();
        Assert.True((await _f.PublishAsync("mako", 3)).Succeeded);
        _f.Download(_f.DeviceFile("mako", 3));

        var downloads = await _f.FlushAndReadAsync();

        Assert.Equal([(3, 1L, 0L, 0L)], Summary(downloads.Days));
    }

    [Fact]
    public async Task KeyringsAndUnknownPathsAreNotCounted()
    {
        _f.Download("/gpg/image-signing.tar.xz", "/pool/nothing-0.tar.xz");

        Assert.Empty((await _f.FlushAndReadAsync()).Days);
    }

    [Theory]
    [InlineData("/stable/mako/index.json", true)]
    [InlineData("/pool/ubuntu-ab.tar.xz", true)]
    [InlineData("/stable/mako/version-3.tar.xz", true)]
    [InlineData("/stable/mako/index.json.asc", false)]
    [InlineData("/stable/mako/device.tar.xz", false)]
    [InlineData("/gpg/image-master.tar.xz", false)]
    [InlineData("/channels.json", false)]
    public void OnlyIndexesVersionAndPoolTarballsAreWorthCounting(string path, bool counted) =>
        Assert.Equal(counted, DownloadCounter.IsCounted(path));
}
