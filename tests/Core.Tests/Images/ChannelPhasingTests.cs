using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Images;

/// <summary>Channel-wide phasing over three devices that share their parts (one build published to each).</summary>
public sealed class ChannelPhasingTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly Gpg _gpg = new();
    private ImageFixture _f = null!;

    private ChannelPhasing Phasing => _f.Data.Get<ChannelPhasing>();

    public async Task InitializeAsync()
    {
        _f = await ImageFixture.CreateAsync(("stable", ["flo", "grouper", "mako"]));
        foreach (var device in new[] { "flo", "grouper", "mako" })
        {
            Assert.True((await _f.PublishBuildAsync("stable", device, 1)).Succeeded);
        }

        Assert.True((await _f.PublishBuildAsync("stable", "mako", 2, percentage: 50)).Succeeded);
    }

    public async Task DisposeAsync()
    {
        _gpg.Dispose();
        await _f.DisposeAsync();
    }

    [Fact]
    public async Task PreviewsThenPhasesTheLatestVersionOfEveryDeviceInOneAuditedChange()
    {
        var before = _f.Snapshot();
        var (preview, planned) = await Phasing.PreviewAsync("stable", 10, null, None);

        Assert.StartsWith("Would phase 3 of 3 device(s) of stable at 10%", preview.Message);
        Assert.Equal([("flo", 1, 100, 10), ("grouper", 1, 100, 10), ("mako", 2, 50, 10)],
            planned.Select(d => (d.Device, d.Version!.Value, d.CurrentPercentage!.Value, d.NewPercentage!.Value)));
        Assert.Equal(before, _f.Snapshot());

        var (result, devices) = await Phasing.SetAsync("stable", 10, null, ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(planned, devices);
        foreach (var device in new[] { "flo", "grouper", "mako" })
        {
            var latest = _f.Images("stable", device).Where(i => i!["version"]!.GetValue<int>() == (device == "mako" ? 2 : 1)).ToList();
            Assert.All(latest, i => Assert.Equal(10, i!["phased-percentage"]!.GetValue<int>()));
            AssertIndexVerifies(device);
        }

        Assert.All(_f.Images("stable", "mako").Where(i => i!["version"]!.GetValue<int>() == 1), i => Assert.Null(i!["phased-percentage"]));
        var entry = Assert.Single(await AuditAsync());
        Assert.Equal("stable", entry.Target);
        Assert.Equal("flo 1 at 100%, grouper 1 at 100%, mako 2 at 50%", entry.Before);
        Assert.Equal("flo 1 at 10%, grouper 1 at 10%, mako 2 at 10%", entry.After);
    }

    [Fact]
    public async Task PhasesOnlyTheDevicesNamedAndRecordsOnlyTheDevicesThatChange()
    {
        var (result, devices) = await Phasing.SetAsync("stable", 100, ["grouper", "mako"], ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(["grouper", "mako"], devices.Select(d => d.Device));
        Assert.StartsWith("unchanged", devices[0].Outcome);
        Assert.All(_f.Images("stable", "mako"), i => Assert.Null(i!["phased-percentage"]));
        var entry = Assert.Single(await AuditAsync());
        Assert.Equal(("mako 2 at 50%", "mako 2 at 100%"), (entry.Before, entry.After));
    }

    [Fact]
    public async Task ANoOpChangesNoFileAndIsNotAudited()
    {
        Assert.True((await Phasing.SetAsync("stable", 100, ["mako"], ImageFixture.Tester, None)).Result.Succeeded);
        var before = _f.Snapshot();

        var (result, devices) = await Phasing.SetAsync("stable", 100, null, ImageFixture.Tester, None);

        Assert.StartsWith("Phased 0 of 3 device(s)", result.Message);
        Assert.All(devices, d => Assert.StartsWith("unchanged", d.Outcome));
        Assert.Equal(before.Where(f => !f.Key.StartsWith("channels.json", StringComparison.Ordinal)), _f.Snapshot().Where(f => !f.Key.StartsWith("channels.json", StringComparison.Ordinal)));
        Assert.Single(await AuditAsync());
    }

    [Fact]
    public async Task RefusesBadPercentagesUnknownDevicesAndAliases()
    {
        Assert.True((await _f.Data.Get<SystemImage.Core.Channels.ChannelService>().CreateAliasAsync("daily", "stable", ImageFixture.Tester, None)).Succeeded);
        var before = _f.Snapshot();

        Assert.Equal(OperationStatus.Invalid, (await Phasing.SetAsync("stable", 101, null, ImageFixture.Tester, None)).Result.Status);
        Assert.Equal(OperationStatus.Invalid, (await Phasing.PreviewAsync("stable", -1, null, None)).Result.Status);
        Assert.Equal(OperationStatus.NotFound, (await Phasing.SetAsync("nowhere", 10, null, ImageFixture.Tester, None)).Result.Status);
        var unknown = await Phasing.SetAsync("stable", 10, ["mako", "nodevice"], ImageFixture.Tester, None);
        Assert.Equal(OperationStatus.NotFound, unknown.Result.Status);
        Assert.Contains("nodevice", unknown.Result.Message);
        Assert.Equal(OperationStatus.Conflict, (await Phasing.SetAsync("daily", 10, null, ImageFixture.Tester, None)).Result.Status);

        Assert.Equal(before, _f.Snapshot());
        Assert.Empty(await AuditAsync());
    }

    private void AssertIndexVerifies(string device)
    {
        var keyring = TreeAssert.ReadTarXz(_f.Data.File("/gpg/image-signing.tar.xz"))["keyring.gpg"];
        var verified = _gpg.Verify(keyring, File.ReadAllBytes(_f.Data.File($"/stable/{device}/index.json.asc")), File.ReadAllBytes(_f.Data.File($"/stable/{device}/index.json")));
        Assert.True(verified.IsValid, verified.Output);
    }

    private async Task<List<Persistence.Entities.AuditEntry>> AuditAsync()
    {
        await using var db = await _f.Data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.Where(e => e.Action == "phase-channel").ToListAsync();
    }
}
