using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Tests.Images;
using Xunit;

namespace SystemImage.Core.Tests.Operations;

/// <summary>
/// Operations over several devices whose images share pool files (the same build on mako, flo and krillin): the
/// delta or file one device's part of the change makes is the one the next device uses, in the same change.
/// </summary>
public sealed class SharedPartsTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly string[] Fleet = ["flo", "krillin", "mako"];
    private ImageFixture _f = null!;

    public async Task InitializeAsync()
    {
        _f = await ImageFixture.CreateAsync(("devel", Fleet), ("rc", Fleet));
        // devel went 1 → 2 → 3, rc is at 1: nothing has a delta from 1 to 3 yet.
        foreach (var device in Fleet)
        {
            foreach (var build in new[] { 1, 2, 3 })
            {
                Assert.True((await _f.PublishBuildAsync("devel", device, build)).Succeeded);
            }

            Assert.True((await _f.PublishBuildAsync("rc", device, 1)).Succeeded);
        }
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task PromotingAChannelWhoseDevicesSharePartsGivesEveryDeviceTheOneSharedDelta()
    {
        var (result, devices) = await _f.Data.Get<ChannelPromotion>().PromoteAsync("devel", "rc", null, null, ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal([2, 2, 2], devices.Select(d => d.NewVersion));
        var deltas = Fleet.Select(d => DeltaFiles("rc", d)[0]).ToList();
        Assert.Single(deltas.Distinct());
        Assert.DoesNotContain(deltas[0], DeltaFiles("devel", "mako"));
        await AssertTreeCleanAsync();
    }

    [Fact]
    public async Task AnAliasOfTheChannelFollowsEveryDevice()
    {
        Assert.True((await _f.Data.Get<ChannelService>().CreateAliasAsync("daily", "rc", ImageFixture.Tester, None)).Succeeded);

        var (result, _) = await _f.Data.Get<ChannelPromotion>().PromoteAsync("devel", "rc", null, null, ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.All(Fleet, device => Assert.Equal(_f.Entries("rc", device), _f.Entries("daily", device)));
        Assert.All(Fleet, device => Assert.Contains("delta 1-2", _f.Entries("daily", device)));
        Assert.Single(Fleet.Select(d => DeltaFiles("daily", d)[0]).Distinct());
        await AssertTreeCleanAsync();
    }

    [Fact]
    public async Task CopyingTheSameBuildToEveryDeviceOneAfterAnotherReusesTheDelta()
    {
        foreach (var device in Fleet)
        {
            var copied = await _f.Data.Get<ImageCopyService>().CopyAsync(new CopyImageRequest("devel", "rc", device), ImageFixture.Tester, None);
            Assert.True(copied.Succeeded, copied.Message);
        }

        Assert.Single(Fleet.Select(d => DeltaFiles("rc", d)[0]).Distinct());
        Assert.All(Fleet, device => Assert.Contains("delta 1-2", _f.Entries("rc", device)));
        await AssertTreeCleanAsync();
    }

    /// <summary>The file paths of the newest delta image of a device.</summary>
    private List<string> DeltaFiles(string channel, string device) =>
    [
        .. _f.Images(channel, device)
            .Where(i => i!["type"]!.GetValue<string>() == "delta")
            .MaxBy(i => i!["version"]!.GetValue<int>())!["files"]!.AsArray()
            .Select(f => f!["path"]!.GetValue<string>()),
    ];

    private async Task AssertTreeCleanAsync()
    {
        var check = await _f.Data.Get<TreeMaintenance>().CheckAsync(None);
        Assert.Empty(check.Missing);
        Assert.Empty(check.Orphaned);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_f.Data.Options.StateDir, "staging")));
    }
}
