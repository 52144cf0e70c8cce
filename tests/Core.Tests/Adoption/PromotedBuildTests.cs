using SystemImage.Core.Adoption;
using SystemImage.Core.Images;
using SystemImage.Core.Tests.Images;
using Xunit;

namespace SystemImage.Core.Tests.Adoption;

/// <summary>
/// A build copied from devel to rc: both channels list the same pool files, so only each channel's own version tarball
/// tells them apart, and it is what the download counts by.
/// </summary>
public sealed class PromotedBuildTests : IAsyncLifetime
{
    private ImageFixture _f = null!;

    public async Task InitializeAsync()
    {
        _f = await ImageFixture.CreateAsync(("devel", ["mako"]), ("rc", ["mako"]));
        Assert.True((await _f.PublishBuildAsync("devel", "mako", 1)).Succeeded);
        Assert.True((await _f.Data.Get<ImageCopyService>().CopyAsync(new CopyImageRequest("devel", "rc", "mako"), ImageFixture.Tester, CancellationToken.None)).Succeeded);
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private List<string> Files(string channel) =>
        [.. _f.Images(channel, "mako")[0]!["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>())];

    private async Task<long> FullAsync(string channel) =>
        (await _f.Data.Get<DownloadQueries>().ForChannelOrNullAsync(channel, null, null, null, CancellationToken.None))!.Days.Sum(d => d.Full);

    [Fact]
    public async Task TheDownloadCountsInTheChannelWhoseFilesWereFetched()
    {
        Assert.Equal(Files("devel")[0], Files("rc")[0]);
        foreach (var path in Files("rc"))
        {
            _f.Data.Get<DownloadCounter>().Count(path);
        }

        await _f.Data.Get<DownloadFlusher>().FlushAsync(CancellationToken.None);

        Assert.Equal((0L, 1L), (await FullAsync("devel"), await FullAsync("rc")));
    }
}
