using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Channels;

public sealed class ChannelServiceTests : IAsyncLifetime
{
    private static readonly Actor Tester = new("tester", "cli");
    private static readonly CancellationToken None = CancellationToken.None;
    private TestDataDirectory _data = null!;

    private ChannelService Channels => _data.Get<ChannelService>();

    private DeviceService Devices => _data.Get<DeviceService>();

    private ChannelCreation Creation => _data.Get<ChannelCreation>();

    public async Task InitializeAsync() => _data = await TestDataDirectory.CreateAsync();

    public async Task DisposeAsync() => await _data.DisposeAsync();

    [Fact]
    public async Task CreatePublishesTheChannelInChannelsJson()
    {
        var result = await Channels.CreateAsync("ubuntu-touch/stable", hidden: false, Tester, None);

        Assert.Equal(OperationStatus.Success, result.Status);
        var entry = TreeAssert.Channels(_data)["ubuntu-touch/stable"]!.AsObject();
        Assert.Empty(entry["devices"]!.AsObject());
        Assert.False(entry.ContainsKey("hidden"));
        TreeAssert.Exists(_data, "/channels.json.asc");
    }

    [Fact]
    public async Task CreateWithDevicesCopiesEveryDeviceInOneChange()
    {
        await Channels.CreateAsync("devel", false, Tester, None);
        await Devices.CreateAsync("devel", "mako", true, Tester, None);
        await Devices.CreateAsync("devel", "flo", false, Tester, None);

        var result = await Creation.CreateAsync(new NewChannel("stable") { CopyDevicesFrom = "devel" }, Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("Created channel 'stable' with 2 device(s) of 'devel'.", result.Message);
        Assert.Equal(["flo", "mako"], TreeAssert.Channels(_data)["stable"]!["devices"]!.AsObject().Select(d => d.Key).Order());
        TreeAssert.Exists(_data, "/stable/mako/device.tar.xz");
        TreeAssert.Exists(_data, "/stable/flo/index.json");
    }

    [Fact]
    public async Task CreateWithDevicesRefusedLeavesNoChannelBehind()
    {
        await Channels.CreateAsync("devel", false, Tester, None);
        await Devices.CreateAsync("devel", "mako", false, Tester, None);
        await Channels.CreateAsync("stable/mako", false, Tester, None);
        var before = File.ReadAllBytes(_data.File("/channels.json"));

        var overlapping = await Creation.CreateAsync(new NewChannel("stable") { CopyDevicesFrom = "devel" }, Tester, None);
        var unknown = await Creation.CreateAsync(new NewChannel("rc") { CopyDevicesFrom = "nowhere" }, Tester, None);

        Assert.Equal(OperationStatus.Conflict, overlapping.Status);
        Assert.Equal(OperationStatus.NotFound, unknown.Status);
        Assert.Equal(before, File.ReadAllBytes(_data.File("/channels.json")));
        Assert.Null(await _data.Get<ChannelQueries>().FindOrNullAsync("stable", None));
        Assert.Null(await _data.Get<ChannelQueries>().FindOrNullAsync("rc", None));
    }

    [Fact]
    public async Task CreateRefusesAnExistingChannelAndChangesNothing()
    {
        await Channels.CreateAsync("stable", false, Tester, None);
        var before = File.ReadAllBytes(_data.File("/channels.json"));

        var result = await Channels.CreateAsync("stable", true, Tester, None);

        Assert.Equal(OperationStatus.Conflict, result.Status);
        Assert.Contains("already exists", result.Message);
        Assert.Equal(before, File.ReadAllBytes(_data.File("/channels.json")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../etc")]
    [InlineData("stable/../x")]
    [InlineData("stable//x")]
    [InlineData("/stable")]
    [InlineData("stable/")]
    [InlineData(".hidden")]
    [InlineData("bad\u0001name")]
    [InlineData("with space")]
    [InlineData("api")]
    [InlineData("pool/x")]
    [InlineData("GPG")]
    [InlineData("_blazor")]
    [InlineData("metrics/stable")]
    public async Task CreateRefusesInvalidNamesWithAClearMessage(string name)
    {
        var result = await Channels.CreateAsync(name, false, Tester, None);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
        Assert.DoesNotContain(name.Length == 0 ? "\u0000" : name, TreeAssert.Channels(_data).Select(p => p.Key));
    }

    [Fact]
    public async Task CreateRefusesAChannelInsideAnotherChannelsDeviceDirectory()
    {
        await Channels.CreateAsync("stable", false, Tester, None);
        await Devices.CreateAsync("stable", "mako", false, Tester, None);

        var result = await Channels.CreateAsync("stable/mako", false, Tester, None);

        Assert.Equal(OperationStatus.Conflict, result.Status);
        Assert.Contains("overlap", result.Message);
        Assert.False(TreeAssert.Channels(_data).ContainsKey("stable/mako"));
    }

    [Fact]
    public async Task HideAndShowToggleTheHiddenFlag()
    {
        await Channels.CreateAsync("devel", false, Tester, None);

        await Channels.SetHiddenAsync("devel", true, Tester, None);
        Assert.True(TreeAssert.Channels(_data)["devel"]!["hidden"]!.GetValue<bool>());

        await Channels.SetHiddenAsync("devel", false, Tester, None);
        Assert.False(TreeAssert.Channels(_data)["devel"]!.AsObject().ContainsKey("hidden"));
    }

    [Fact]
    public async Task HideRefusesAnUnknownChannel()
    {
        var result = await Channels.SetHiddenAsync("nope", true, Tester, None);

        Assert.Equal(OperationStatus.NotFound, result.Status);
    }

    public sealed class Aliases : IAsyncLifetime
    {
        private TestDataDirectory _data = null!;

        public async Task InitializeAsync()
        {
            _data = await TestDataDirectory.CreateAsync();
            await _data.Get<ChannelService>().CreateAsync("stable", false, Tester, None);
            await _data.Get<DeviceService>().CreateAsync("stable", "mako", false, Tester, None);
            await _data.Get<ChannelService>().CreateAsync("rc", false, Tester, None);
            await _data.Get<DeviceService>().CreateAsync("rc", "krillin", false, Tester, None);
        }

        public async Task DisposeAsync() => await _data.DisposeAsync();

        [Fact]
        public async Task AnAliasMirrorsItsTargetsDevicesWithItsOwnIndexes()
        {
            var result = await _data.Get<ChannelService>().CreateAliasAsync("current", "stable", Tester, None);

            Assert.True(result.Succeeded, result.Message);
            var entry = TreeAssert.Channels(_data)["current"]!.AsObject();
            Assert.Equal("stable", entry["alias"]!.GetValue<string>());
            Assert.Equal("/current/mako/index.json", entry["devices"]!["mako"]!["index"]!.GetValue<string>());
            TreeAssert.Exists(_data, "/current/mako/index.json");
            TreeAssert.Exists(_data, "/current/mako/index.json.asc");
        }

        [Fact]
        public async Task NewDevicesOfTheTargetAppearOnTheAlias()
        {
            await _data.Get<ChannelService>().CreateAliasAsync("current", "stable", Tester, None);

            await _data.Get<DeviceService>().CreateAsync("stable", "flo", false, Tester, None);

            Assert.NotNull(TreeAssert.Channels(_data)["current"]!["devices"]!["flo"]);
            TreeAssert.Exists(_data, "/current/flo/index.json");
        }

        [Fact]
        public async Task RetargetingReplacesTheDeviceSetAndRemovesStaleDirectories()
        {
            await _data.Get<ChannelService>().CreateAliasAsync("current", "stable", Tester, None);

            var result = await _data.Get<ChannelService>().RetargetAliasAsync("current", "rc", Tester, None);

            Assert.True(result.Succeeded, result.Message);
            var entry = TreeAssert.Channels(_data)["current"]!.AsObject();
            Assert.Equal("rc", entry["alias"]!.GetValue<string>());
            Assert.Equal(["krillin"], entry["devices"]!.AsObject().Select(p => p.Key));
            TreeAssert.Missing(_data, "/current/mako");
            TreeAssert.Exists(_data, "/current/krillin/index.json");
        }

        [Fact]
        public async Task AnAliasOfARedirectIsRefused()
        {
            await _data.Get<ChannelService>().CreateRedirectAsync("old", "stable", Tester, None);

            var result = await _data.Get<ChannelService>().CreateAliasAsync("current", "old", Tester, None);

            Assert.Equal(OperationStatus.Conflict, result.Status);
            Assert.Contains("redirect", result.Message);
            Assert.False(TreeAssert.Channels(_data).ContainsKey("current"));
        }

        [Fact]
        public async Task AnAliasOfAnUnknownChannelIsRefused()
        {
            var result = await _data.Get<ChannelService>().CreateAliasAsync("current", "nope", Tester, None);

            Assert.Equal(OperationStatus.NotFound, result.Status);
            TreeAssert.Missing(_data, "/current");
        }

        [Fact]
        public async Task RetargetingSomethingThatIsNotAnAliasIsRefused()
        {
            var result = await _data.Get<ChannelService>().RetargetAliasAsync("stable", "rc", Tester, None);

            Assert.Equal(OperationStatus.Conflict, result.Status);
        }

        [Fact]
        public async Task DevicesCannotBeAddedToAnAliasDirectly()
        {
            await _data.Get<ChannelService>().CreateAliasAsync("current", "stable", Tester, None);

            var result = await _data.Get<DeviceService>().CreateAsync("current", "flo", false, Tester, None);

            Assert.Equal(OperationStatus.Conflict, result.Status);
            TreeAssert.Missing(_data, "/current/flo");
        }

        [Fact]
        public async Task ATargetOfAnAliasCannotBeRemoved()
        {
            await _data.Get<ChannelService>().CreateAliasAsync("current", "stable", Tester, None);

            var result = await _data.Get<ChannelService>().RemoveAsync("stable", Tester, None);

            Assert.Equal(OperationStatus.Conflict, result.Status);
            TreeAssert.Exists(_data, "/stable/mako/index.json");
        }
    }

    public sealed class Redirects : IAsyncLifetime
    {
        private TestDataDirectory _data = null!;

        public async Task InitializeAsync()
        {
            _data = await TestDataDirectory.CreateAsync();
            await _data.Get<ChannelService>().CreateAsync("stable", false, Tester, None);
            await _data.Get<DeviceService>().CreateAsync("stable", "mako", false, Tester, None);
        }

        public async Task DisposeAsync() => await _data.DisposeAsync();

        [Fact]
        public async Task ARedirectIsHiddenAndPointsDevicesAtTheTargetsIndexes()
        {
            var result = await _data.Get<ChannelService>().CreateRedirectAsync("old-stable", "stable", Tester, None);

            Assert.True(result.Succeeded, result.Message);
            var entry = TreeAssert.Channels(_data)["old-stable"]!.AsObject();
            Assert.Equal("stable", entry["redirect"]!.GetValue<string>());
            Assert.True(entry["hidden"]!.GetValue<bool>());
            Assert.Equal("/stable/mako/index.json", entry["devices"]!["mako"]!["index"]!.GetValue<string>());
            TreeAssert.Missing(_data, "/old-stable");
        }

        [Fact]
        public async Task ARedirectToARedirectIsRefused()
        {
            await _data.Get<ChannelService>().CreateRedirectAsync("old", "stable", Tester, None);

            var result = await _data.Get<ChannelService>().CreateRedirectAsync("older", "old", Tester, None);

            Assert.Equal(OperationStatus.Conflict, result.Status);
        }

        [Fact]
        public async Task ARedirectToAnUnknownChannelIsRefused()
        {
            var result = await _data.Get<ChannelService>().CreateRedirectAsync("old", "nope", Tester, None);

            Assert.Equal(OperationStatus.NotFound, result.Status);
            Assert.False(TreeAssert.Channels(_data).ContainsKey("old"));
        }

        [Fact]
        public async Task ARedirectCannotBeShown()
        {
            await _data.Get<ChannelService>().CreateRedirectAsync("old", "stable", Tester, None);

            var result = await _data.Get<ChannelService>().SetHiddenAsync("old", false, Tester, None);

            Assert.Equal(OperationStatus.Conflict, result.Status);
            Assert.True(TreeAssert.Channels(_data)["old"]!["hidden"]!.GetValue<bool>());
        }
    }

    public sealed class Rename : IAsyncLifetime
    {
        private TestDataDirectory _data = null!;

        public async Task InitializeAsync()
        {
            _data = await TestDataDirectory.CreateAsync();
            var channels = _data.Get<ChannelService>();
            var devices = _data.Get<DeviceService>();
            await channels.CreateAsync("stable", false, Tester, None);
            await devices.CreateAsync("stable", "mako", true, Tester, None);
            await channels.CreateAsync("devel", false, Tester, None);
            await devices.CreateAsync("devel", "flo", false, Tester, None);
            await devices.CreateRedirectAsync("devel", "mako", "stable", Tester, None);
            await channels.CreateAliasAsync("current", "stable", Tester, None);
        }

        public async Task DisposeAsync() => await _data.DisposeAsync();

        [Fact]
        public async Task RenameMovesTheDirectoryAndEveryReference()
        {
            var result = await _data.Get<ChannelService>().RenameAsync("stable", "ubuntu/stable", Tester, None);

            Assert.True(result.Succeeded, result.Message);
            var channels = TreeAssert.Channels(_data);
            Assert.Equal("/ubuntu/stable/mako/index.json", channels["ubuntu/stable"]!["devices"]!["mako"]!["index"]!.GetValue<string>());
            Assert.Equal("/ubuntu/stable/mako/device.tar.xz", channels["ubuntu/stable"]!["devices"]!["mako"]!["keyring"]!["path"]!.GetValue<string>());
            Assert.Equal("/ubuntu/stable/mako/index.json", channels["devel"]!["devices"]!["mako"]!["index"]!.GetValue<string>());
            Assert.Equal("ubuntu/stable", channels["devel"]!["devices"]!["mako"]!["redirect"]!.GetValue<string>());
            Assert.Equal("ubuntu/stable", channels["current"]!["alias"]!.GetValue<string>());
            TreeAssert.Exists(_data, "/ubuntu/stable/mako/index.json");
            TreeAssert.Exists(_data, "/ubuntu/stable/mako/device.tar.xz.asc");
            TreeAssert.Missing(_data, "/stable");
        }

        [Fact]
        public async Task TheOldNameStaysAsAHiddenRedirectSoDevicesOnItKeepUpdating()
        {
            var result = await _data.Get<ChannelService>().RenameAsync("stable", "ubuntu/stable", Tester, None);

            Assert.Contains("'stable' redirects devices to it", result.Message);
            var old = TreeAssert.Channels(_data)["stable"]!;
            Assert.Equal("ubuntu/stable", old["redirect"]!.GetValue<string>());
            Assert.True(old["hidden"]!.GetValue<bool>());
            Assert.Equal("/ubuntu/stable/mako/index.json", old["devices"]!["mako"]!["index"]!.GetValue<string>());
            Assert.Equal("/ubuntu/stable/mako/device.tar.xz", old["devices"]!["mako"]!["keyring"]!["path"]!.GetValue<string>());
        }

        [Fact]
        public async Task RenamingBackReplacesTheRedirectTheFirstRenameLeft()
        {
            var channels = _data.Get<ChannelService>();
            Assert.True((await channels.RenameAsync("stable", "stable-2", Tester, None)).Succeeded);

            var back = await channels.RenameAsync("stable-2", "stable", Tester, None);

            Assert.True(back.Succeeded, back.Message);
            var published = TreeAssert.Channels(_data);
            Assert.Null(published["stable"]!["redirect"]);
            Assert.Equal("/stable/mako/index.json", published["stable"]!["devices"]!["mako"]!["index"]!.GetValue<string>());
            Assert.Equal("stable", published["stable-2"]!["redirect"]!.GetValue<string>());
            Assert.Equal("stable", published["current"]!["alias"]!.GetValue<string>());
            TreeAssert.Exists(_data, "/stable/mako/index.json");
        }

        [Fact]
        public async Task WithoutARedirectTheOldNameIsGone()
        {
            var result = await _data.Get<ChannelService>().RenameAsync("stable", "ubuntu/stable", Tester, None, keepRedirect: false);

            Assert.Equal("Renamed channel 'stable' to 'ubuntu/stable'.", result.Message);
            Assert.False(TreeAssert.Channels(_data).ContainsKey("stable"));
            TreeAssert.Missing(_data, "/stable");
        }

        [Fact]
        public async Task RenamingARedirectLeavesNoRedirectBehind()
        {
            await _data.Get<ChannelService>().CreateRedirectAsync("old-stable", "stable", Tester, None);

            var result = await _data.Get<ChannelService>().RenameAsync("old-stable", "older-stable", Tester, None);

            Assert.True(result.Succeeded, result.Message);
            var channels = TreeAssert.Channels(_data);
            Assert.False(channels.ContainsKey("old-stable"));
            Assert.Equal("stable", channels["older-stable"]!["redirect"]!.GetValue<string>());
        }

        [Fact]
        public async Task RenameOntoAnExistingChannelIsRefused()
        {
            var result = await _data.Get<ChannelService>().RenameAsync("stable", "devel", Tester, None);

            Assert.Equal(OperationStatus.Conflict, result.Status);
            TreeAssert.Exists(_data, "/stable/mako/index.json");
        }

        [Fact]
        public async Task RenameOntoAnExistingDirectoryIsRefused()
        {
            Directory.CreateDirectory(_data.File("/leftover"));
            File.WriteAllText(_data.File("/leftover/readme.txt"), "not ours");

            var result = await _data.Get<ChannelService>().RenameAsync("stable", "leftover", Tester, None);

            Assert.Equal(OperationStatus.Conflict, result.Status);
            Assert.Contains("already exists", result.Message);
            TreeAssert.Exists(_data, "/stable/mako/index.json");
            TreeAssert.Exists(_data, "/leftover/readme.txt");
        }

        [Fact]
        public async Task RenameToAnInvalidNameIsRefused()
        {
            var result = await _data.Get<ChannelService>().RenameAsync("stable", "../x", Tester, None);

            Assert.Equal(OperationStatus.Invalid, result.Status);
        }

        [Fact]
        public async Task RenameOfAnUnknownChannelIsRefused()
        {
            var result = await _data.Get<ChannelService>().RenameAsync("nope", "other", Tester, None);

            Assert.Equal(OperationStatus.NotFound, result.Status);
        }
    }

    public sealed class Remove : IAsyncLifetime
    {
        private TestDataDirectory _data = null!;

        public async Task InitializeAsync()
        {
            _data = await TestDataDirectory.CreateAsync();
            var channels = _data.Get<ChannelService>();
            var devices = _data.Get<DeviceService>();
            await channels.CreateAsync("stable", false, Tester, None);
            await devices.CreateAsync("stable", "mako", false, Tester, None);
            await channels.CreateAsync("devel", false, Tester, None);
            await devices.CreateAsync("devel", "flo", false, Tester, None);
            await devices.CreateRedirectAsync("devel", "mako", "stable", Tester, None);
        }

        public async Task DisposeAsync() => await _data.DisposeAsync();

        [Fact]
        public async Task RemoveDeletesTheDirectoryAndPerDeviceRedirectsToIt()
        {
            var result = await _data.Get<ChannelService>().RemoveAsync("stable", Tester, None);

            Assert.True(result.Succeeded, result.Message);
            var channels = TreeAssert.Channels(_data);
            Assert.False(channels.ContainsKey("stable"));
            Assert.Null(channels["devel"]!["devices"]!["mako"]);
            Assert.NotNull(channels["devel"]!["devices"]!["flo"]);
            TreeAssert.Missing(_data, "/stable");
        }

        [Fact]
        public async Task RemoveOfAnUnknownChannelIsRefused()
        {
            var result = await _data.Get<ChannelService>().RemoveAsync("nope", Tester, None);

            Assert.Equal(OperationStatus.NotFound, result.Status);
        }

        [Fact]
        public async Task RemovingANestedParentKeepsTheChildChannelsFiles()
        {
            await _data.Get<ChannelService>().CreateAsync("stable/proposed", false, Tester, None);
            await _data.Get<DeviceService>().CreateAsync("stable/proposed", "flo", false, Tester, None);

            await _data.Get<ChannelService>().RemoveAsync("stable", Tester, None);

            TreeAssert.Exists(_data, "/stable/proposed/flo/index.json");
            TreeAssert.Missing(_data, "/stable/mako");
        }
    }
}
