using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Tests.Images;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Channels;

public sealed class ChannelCreationTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private ImageFixture _f = null!;

    private ChannelCreation Creation => _f.Data.Get<ChannelCreation>();

    public async Task InitializeAsync() => _f = await ImageFixture.CreateAsync(("devel", ["flo", "mako"]));

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task CreatesAPlainChannelWithTheDevicesOfAnother()
    {
        var result = await Creation.CreateAsync(new NewChannel("ubuntu-touch/stable") { CopyDevicesFrom = "devel" }, ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("Created channel 'ubuntu-touch/stable' with 2 device(s) of 'devel'.", result.Message);
        var entry = TreeAssert.Channels(_f.Data)["ubuntu-touch/stable"]!.AsObject();
        Assert.Equal(["flo", "mako"], entry["devices"]!.AsObject().Select(d => d.Key));
    }

    [Fact]
    public async Task CreatesAHiddenAliasAndARedirect()
    {
        Assert.True((await Creation.CreateAsync(new NewChannel("daily") { Alias = "devel", Hidden = true }, ImageFixture.Tester, None)).Succeeded);
        Assert.True((await Creation.CreateAsync(new NewChannel("old") { Redirect = "devel" }, ImageFixture.Tester, None)).Succeeded);

        var channels = TreeAssert.Channels(_f.Data);
        Assert.Equal(("devel", true), (channels["daily"]!["alias"]!.GetValue<string>(), channels["daily"]!["hidden"]!.GetValue<bool>()));
        Assert.Equal(("devel", true), (channels["old"]!["redirect"]!.GetValue<string>(), channels["old"]!["hidden"]!.GetValue<bool>()));
    }

    [Theory]
    [InlineData("devel", "devel", null, null, OperationStatus.Invalid)]
    [InlineData("devel", null, "devel", null, OperationStatus.Invalid)]
    [InlineData(null, "devel", null, false, OperationStatus.Invalid)]
    [InlineData(null, null, "nowhere", null, OperationStatus.NotFound)]
    [InlineData("nowhere", null, null, null, OperationStatus.NotFound)]
    public async Task RefusesABadRequestBeforeCreatingAnything(string? alias, string? redirect, string? copyFrom, bool? hidden, OperationStatus status)
    {
        var request = new NewChannel("stable") { Alias = alias, Redirect = redirect, CopyDevicesFrom = copyFrom, Hidden = hidden };

        var result = await Creation.CreateAsync(request, ImageFixture.Tester, None);

        Assert.Equal(status, result.Status);
        Assert.False(TreeAssert.Channels(_f.Data).ContainsKey("stable"));
        Assert.Null(await _f.Data.Get<ChannelQueries>().FindOrNullAsync("stable", None));
    }

    [Fact]
    public async Task RefusesAnExistingNameWithTheServersMessage()
    {
        var result = await Creation.CreateAsync(new NewChannel("devel"), ImageFixture.Tester, None);

        Assert.Equal((OperationStatus.Conflict, "Channel 'devel' already exists."), (result.Status, result.Message));
    }
}
