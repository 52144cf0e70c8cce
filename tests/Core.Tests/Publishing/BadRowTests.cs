using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Channels;
using SystemImage.Core.Hosting;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Publishing;

/// <summary>
/// Rows the naming rules refuse (written into the database by hand, or left by a version without the rules) and foreign
/// files in the publish root: the start-up repair and every later publish serve the rest and say what they left out.
/// </summary>
public sealed class BadRowTests : IAsyncLifetime
{
    private static readonly Actor Tester = new("tester", "cli");
    private static readonly CancellationToken None = CancellationToken.None;
    private TestDataDirectory _data = null!;

    private ChannelService Channels => _data.Get<ChannelService>();

    private DeviceService Devices => _data.Get<DeviceService>();

    public async Task InitializeAsync()
    {
        _data = await TestDataDirectory.CreateAsync();
        await Channels.CreateAsync("stable", false, Tester, None);
        await Devices.CreateAsync("stable", "mako", false, Tester, None);
    }

    public async Task DisposeAsync() => await _data.DisposeAsync();

    [Fact]
    public async Task StartUpRepairServesTheRestWhenRowsHaveNamesThatCollideOrEscape()
    {
        var bad = await InsertChannelAsync("channels.json.asc");
        await InsertDeviceAsync(bad, "mako");
        await InsertDeviceAsync(await InsertChannelAsync("gpg"), "image-signing.tar.xz");
        var stable = await ChannelIdAsync("stable");
        await InsertDeviceAsync(stable, "../../escape");
        await InsertDeviceAsync(stable, "index.json");
        // What the old server left when adding the device failed after its commit: a pending publish that asks for it.
        await InsertPendingPublishAsync(
            "20260101000000-0123456789abcdef",
            PublishRequest.ForDevices([new DeviceRef("channels.json.asc", "mako"), new DeviceRef("stable", "../../escape")], ["/gpg", "/../../escape"]).ToJson());

        var report = await _data.Get<DataDirectory>().RepairTreeAsync(None);

        Assert.True(report.Written >= 0);
        var channels = TreeAssert.Channels(_data);
        Assert.Equal(["stable"], channels.Select(c => c.Key));
        Assert.Equal(["mako"], channels["stable"]!["devices"]!.AsObject().Select(d => d.Key));
        TreeAssert.Exists(_data, "/stable/mako/index.json");
        TreeAssert.Exists(_data, "/gpg/image-signing.tar.xz");
        Assert.True(File.Exists(_data.File("/channels.json.asc")), "channels.json.asc must stay the signature");
        Assert.True(_data.Get<TreeSignatures>().Verifies("/channels.json", File.ReadAllBytes(_data.File("/channels.json"))));
        Assert.False(Directory.Exists(Path.GetFullPath(Path.Combine(_data.PublishRoot, "../../escape"))));
        Assert.Equal(0, await _data.Get<PendingPublishes>().CountAsync(None));

        // Later changes publish as usual; the bad channel refuses changes until it is renamed, which brings it back.
        Assert.True((await Devices.CreateAsync("stable", "flo", false, Tester, None)).Succeeded);
        Assert.Equal(["flo", "mako"], TreeAssert.Channels(_data)["stable"]!["devices"]!.AsObject().Select(d => d.Key).Order());
        var refused = await Devices.CreateAsync("channels.json.asc", "flo", false, Tester, None);
        Assert.Equal(OperationStatus.Conflict, refused.Status);
        Assert.Contains("Rename or remove channel 'channels.json.asc'", refused.Message);
        var renamed = await Channels.RenameAsync("channels.json.asc", "recovered", Tester, None, keepRedirect: false);
        Assert.True(renamed.Succeeded, renamed.Message);
        Assert.Equal(["recovered", "stable"], TreeAssert.Channels(_data).Select(c => c.Key));
        TreeAssert.Exists(_data, "/recovered/mako/index.json");
        Assert.True(File.Exists(_data.File("/channels.json.asc")));
    }

    [Fact]
    public async Task AnUnreadablePendingPublishIsFinishedAsAPublishOfEverything()
    {
        var outside = Directory.CreateTempSubdirectory("staging-outside-").FullName;
        File.WriteAllText(Path.Combine(outside, "manifest.json"), "[]");
        try
        {
            await InsertPendingPublishAsync("20260101000000-00", "not json");
            await InsertPendingPublishAsync(Path.GetRelativePath(Path.Combine(_data.Options.StateDir, "staging"), outside), "{}");

            await _data.Get<DataDirectory>().RepairTreeAsync(None);

            Assert.Equal(0, await _data.Get<PendingPublishes>().CountAsync(None));
            Assert.True(File.Exists(Path.Combine(outside, "manifest.json")), "a staging name outside the staging area must not be touched");
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task ImagesAreNotPublishedIntoADeviceWhoseNameIsRefused()
    {
        await InsertDeviceAsync(await ChannelIdAsync("stable"), "index.json");
        var build = SimpleTarball.WriteBuild(Path.Combine(_data.Path, "rootfs.tar.gz"), 1);

        var result = await _data.Get<ImageService>().PublishAsync(
            new PublishImageRequest("stable", "index.json", [new PartInput("ubuntu", build)]), Tester, None);

        Assert.Equal(OperationStatus.Conflict, result.Status);
        Assert.Contains("Remove device 'index.json'", result.Message);
        Assert.False(Directory.Exists(_data.File("/stable/index.json")));
        Assert.False(Directory.Exists(_data.File("/pool")) && Directory.EnumerateFiles(_data.File("/pool")).Any());
    }

    [Fact]
    public async Task PromotionsAndAliasesLeaveOutStoredChannelsAndDevicesWhoseNamesAreRefused()
    {
        await InsertDeviceAsync(await ChannelIdAsync("stable"), "index.json");
        await InsertDeviceAsync(await InsertChannelAsync("gpg"), "mako");
        var build = SimpleTarball.WriteBuild(Path.Combine(_data.Path, "rootfs.tar.gz"), 1);
        Assert.True((await _data.Get<ImageService>().PublishAsync(new PublishImageRequest("stable", "mako", [new PartInput("ubuntu", build)]), Tester, None)).Succeeded);
        var keyrings = Directory.EnumerateFiles(_data.File("/gpg")).Order().ToList();

        var (promotion, _) = await _data.Get<ChannelPromotion>().PromoteAsync("stable", "gpg", null, null, Tester, None);
        var alias = await Channels.CreateAliasAsync("mirror", "stable", Tester, None);

        Assert.Equal(OperationStatus.Conflict, promotion.Status);
        Assert.Contains("'gpg' is reserved", promotion.Message);
        Assert.Equal(keyrings, Directory.EnumerateFiles(_data.File("/gpg")).Order());
        Assert.False(Directory.Exists(_data.File("/gpg/mako")));
        Assert.True(alias.Succeeded, alias.Message);
        Assert.Equal(["mako"], TreeAssert.Channels(_data)["mirror"]!["devices"]!.AsObject().Select(d => d.Key));
        TreeAssert.Exists(_data, "/mirror/mako/version-1.tar.xz");
    }

    [Fact]
    public async Task ForeignFilesWhereADirectoryGoesAreRefusedBeforeAnythingIsCommitted()
    {
        File.WriteAllText(_data.File("/README"), "mirror notes\n");
        Directory.CreateDirectory(_data.File("/docs"));
        File.WriteAllText(_data.File("/stable/flo"), "not a device\n");
        var before = File.ReadAllBytes(_data.File("/channels.json"));

        var channel = await Channels.CreateAsync("README/stable", false, Tester, None);
        var device = await Devices.CreateAsync("stable", "flo", false, Tester, None);

        Assert.Equal(OperationStatus.Conflict, channel.Status);
        Assert.Contains("'/README' already exists in the publish root and is not a directory", channel.Message);
        Assert.Equal(OperationStatus.Conflict, device.Status);
        Assert.Contains("'/stable/flo' already exists", device.Message);
        Assert.Equal(before, File.ReadAllBytes(_data.File("/channels.json")));
        Assert.Null(await _data.Get<ChannelQueries>().FindOrNullAsync("README/stable", None));
    }

    [Fact]
    public async Task AFileThatAppearsWhereADeviceLivesLeavesThatDeviceOutAndRefusesItsImages()
    {
        await Devices.CreateAsync("stable", "flo", false, Tester, None);
        Directory.Delete(_data.File("/stable/flo"), recursive: true);
        File.WriteAllText(_data.File("/stable/flo"), "in the way\n");
        Directory.CreateDirectory(_data.File("/stable/mako/version-1.tar.xz"));
        var build = SimpleTarball.WriteBuild(Path.Combine(_data.Path, "rootfs.tar.gz"), 1);

        await _data.Get<DataDirectory>().RepairTreeAsync(None);
        var flo = await _data.Get<ImageService>().PublishAsync(new PublishImageRequest("stable", "flo", [new PartInput("ubuntu", build)]), Tester, None);
        var mako = await _data.Get<ImageService>().PublishAsync(new PublishImageRequest("stable", "mako", [new PartInput("ubuntu", build)]), Tester, None);

        Assert.Equal(["mako"], TreeAssert.Channels(_data)["stable"]!["devices"]!.AsObject().Select(d => d.Key));
        Assert.Equal(OperationStatus.Conflict, flo.Status);
        Assert.Contains("'/stable/flo' already exists in the publish root and is not a directory", flo.Message);
        Assert.Equal(OperationStatus.Conflict, mako.Status);
        Assert.Contains("'/stable/mako/version-1.tar.xz' already exists in the publish root as a directory", mako.Message);
        await using var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Images.CountAsync());
        Assert.Equal(0, await db.PendingPublishes.CountAsync());
        Assert.False(Directory.Exists(_data.File("/pool")) && Directory.EnumerateFiles(_data.File("/pool")).Any());
    }

    // Rows go in through EF Core directly, past every service's naming rules, on whichever database the tests use.
    private async Task<int> InsertChannelAsync(string name)
    {
        var channel = new Channel { Name = name };
        await SaveAsync(db => db.Channels.Add(channel));
        return channel.Id;
    }

    private Task InsertDeviceAsync(int channelId, string name) => SaveAsync(db => db.Devices.Add(new Device { ChannelId = channelId, Name = name }));

    private Task InsertPendingPublishAsync(string staging, string request) =>
        SaveAsync(db => db.PendingPublishes.Add(new PendingPublish { Staging = staging, Request = request, CreatedAt = DateTimeOffset.UnixEpoch }));

    private async Task<int> ChannelIdAsync(string name)
    {
        await using var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        return await db.Channels.Where(c => c.Name == name).Select(c => c.Id).SingleAsync();
    }

    private async Task SaveAsync(Action<SystemImageDbContext> add)
    {
        await using var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        add(db);
        await db.SaveChangesAsync();
    }
}
