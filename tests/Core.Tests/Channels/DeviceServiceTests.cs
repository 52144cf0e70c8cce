using System.Text.Json.Nodes;
using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Channels;

public sealed class DeviceServiceTests : IAsyncLifetime
{
    private static readonly Actor Tester = new("tester", "cli");
    private static readonly CancellationToken None = CancellationToken.None;
    private TestDataDirectory _data = null!;

    private DeviceService Devices => _data.Get<DeviceService>();

    public async Task InitializeAsync()
    {
        _data = await TestDataDirectory.CreateAsync();
        await _data.Get<ChannelService>().CreateAsync("stable", false, Tester, None);
        await _data.Get<ChannelService>().CreateAsync("devel", false, Tester, None);
    }

    public async Task DisposeAsync() => await _data.DisposeAsync();

    [Fact]
    public async Task CreatePublishesAnEmptySignedIndex()
    {
        var result = await Devices.CreateAsync("stable", "mako", false, Tester, None);

        Assert.True(result.Succeeded, result.Message);
        var index = TreeAssert.ReadJson(_data, "/stable/mako/index.json");
        Assert.Empty(index["images"]!.AsArray());
        Assert.False(string.IsNullOrEmpty(index["global"]!["generated_at"]!.GetValue<string>()));
        TreeAssert.Exists(_data, "/stable/mako/index.json.asc");
        var entry = TreeAssert.Channels(_data)["stable"]!["devices"]!["mako"]!.AsObject();
        Assert.Equal("/stable/mako/index.json", entry["index"]!.GetValue<string>());
        Assert.False(entry.ContainsKey("keyring"));
    }

    [Fact]
    public async Task CreateWithKeyringPublishesADeviceSigningKeyringForThatModel()
    {
        await Devices.CreateAsync("stable", "mako", true, Tester, None);

        var keyring = TreeAssert.Channels(_data)["stable"]!["devices"]!["mako"]!["keyring"]!;
        Assert.Equal("/stable/mako/device.tar.xz", keyring["path"]!.GetValue<string>());
        Assert.Equal("/stable/mako/device.tar.xz.asc", keyring["signature"]!.GetValue<string>());
        var entries = TreeAssert.ReadTarXz(_data.File("/stable/mako/device.tar.xz"));
        Assert.Equal(["keyring.gpg", "keyring.json"], entries.Keys.Order(StringComparer.Ordinal));
        var json = JsonNode.Parse(entries["keyring.json"])!;
        Assert.Equal("device-signing", json["type"]!.GetValue<string>());
        Assert.Equal("mako", json["model"]!.GetValue<string>());
        Assert.True(json["expiry"]!.GetValue<long>() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task CreateRefusesAnExistingDevice()
    {
        await Devices.CreateAsync("stable", "mako", false, Tester, None);

        var result = await Devices.CreateAsync("stable", "mako", true, Tester, None);

        Assert.Equal(OperationStatus.Conflict, result.Status);
        TreeAssert.Missing(_data, "/stable/mako/device.tar.xz");
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData(".mako")]
    [InlineData("ma\nko")]
    public async Task CreateRefusesInvalidNames(string name)
    {
        var result = await Devices.CreateAsync("stable", name, false, Tester, None);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Empty(TreeAssert.Channels(_data)["stable"]!["devices"]!.AsObject());
    }

    [Fact]
    public async Task CreateRefusesAnUnknownChannel()
    {
        var result = await Devices.CreateAsync("nope", "mako", false, Tester, None);

        Assert.Equal(OperationStatus.NotFound, result.Status);
        TreeAssert.Missing(_data, "/nope");
    }

    [Fact]
    public async Task CreateRefusesADeviceWhoseDirectoryHoldsAnotherChannel()
    {
        await _data.Get<ChannelService>().CreateAsync("stable/mako", false, Tester, None);

        var result = await Devices.CreateAsync("stable", "mako", false, Tester, None);

        Assert.Equal(OperationStatus.Conflict, result.Status);
        Assert.Contains("overlap", result.Message);
        TreeAssert.Missing(_data, "/stable/mako/index.json");
    }

    [Fact]
    public async Task CreateRefusesARedirectChannel()
    {
        await _data.Get<ChannelService>().CreateRedirectAsync("old", "stable", Tester, None);

        var result = await Devices.CreateAsync("old", "mako", false, Tester, None);

        Assert.Equal(OperationStatus.Conflict, result.Status);
        TreeAssert.Missing(_data, "/old");
    }

    [Fact]
    public async Task CopyCreatesEveryMissingDeviceOfTheSource()
    {
        await Devices.CreateAsync("stable", "mako", false, Tester, None);
        await Devices.CreateAsync("stable", "flo", true, Tester, None);
        await Devices.CreateAsync("devel", "mako", false, Tester, None);

        var result = await Devices.CopyAllAsync("stable", "devel", Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains("1 device", result.Message);
        var devices = TreeAssert.Channels(_data)["devel"]!["devices"]!.AsObject();
        Assert.Equal(["flo", "mako"], devices.Select(p => p.Key).Order(StringComparer.Ordinal));
        TreeAssert.Exists(_data, "/devel/flo/index.json");
        TreeAssert.Exists(_data, "/devel/flo/device.tar.xz");
    }

    [Fact]
    public async Task CopyRefusesAnUnknownSource()
    {
        var result = await Devices.CopyAllAsync("nope", "devel", Tester, None);

        Assert.Equal(OperationStatus.NotFound, result.Status);
    }

    [Fact]
    public async Task APerDeviceRedirectPointsTheDeviceAtTheOtherChannelsIndex()
    {
        await Devices.CreateAsync("stable", "mako", false, Tester, None);

        var result = await Devices.CreateRedirectAsync("devel", "mako", "stable", Tester, None);

        Assert.True(result.Succeeded, result.Message);
        var entry = TreeAssert.Channels(_data)["devel"]!["devices"]!["mako"]!;
        Assert.Equal("/stable/mako/index.json", entry["index"]!.GetValue<string>());
        Assert.Equal("stable", entry["redirect"]!.GetValue<string>());
        TreeAssert.Missing(_data, "/devel/mako");
    }

    [Fact]
    public async Task APerDeviceRedirectRefusesATargetWithoutThatDevice()
    {
        var result = await Devices.CreateRedirectAsync("devel", "mako", "stable", Tester, None);

        Assert.Equal(OperationStatus.NotFound, result.Status);
        Assert.Empty(TreeAssert.Channels(_data)["devel"]!["devices"]!.AsObject());
    }

    [Fact]
    public async Task RemoveDeletesTheDirectoryAndRedirectsToTheDevice()
    {
        await Devices.CreateAsync("stable", "mako", true, Tester, None);
        await Devices.CreateRedirectAsync("devel", "mako", "stable", Tester, None);

        var result = await Devices.RemoveAsync("stable", "mako", Tester, None);

        Assert.True(result.Succeeded, result.Message);
        var channels = TreeAssert.Channels(_data);
        Assert.Empty(channels["stable"]!["devices"]!.AsObject());
        Assert.Empty(channels["devel"]!["devices"]!.AsObject());
        TreeAssert.Missing(_data, "/stable/mako");
    }

    [Fact]
    public async Task RemoveRefusesAnUnknownDevice()
    {
        var result = await Devices.RemoveAsync("stable", "mako", Tester, None);

        Assert.Equal(OperationStatus.NotFound, result.Status);
    }
}
