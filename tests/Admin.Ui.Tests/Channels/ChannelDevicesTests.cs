using Bunit;
using SystemImage.Core.Channels;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Channels;

public sealed class ChannelDevicesTests : ChannelTestContext
{
    [Fact]
    public async Task AddsADeviceWithADeviceKeyring()
    {
        await ChannelAsync("stable");
        var page = Open("stable");

        await page.Find("#device-name").InputAsync("mako");
        await page.Find("#device-keyring").ChangeAsync(true);
        await ClickAsync(page, "Add device");

        page.WaitForAssertion(() => Assert.Equal("Created device 'mako' in channel 'stable'.", page.Find(".notice.ok").TextContent), Patience);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tr[data-device=mako]")), Patience);
        var mako = PublishedChannels()["stable"]!["devices"]!["mako"]!.AsObject();
        Assert.Equal("/stable/mako/device.tar.xz", mako["keyring"]!["path"]!.GetValue<string>());
        Assert.Contains("device-signing", Text(page.Find("tr[data-device=mako]")));
    }

    [Fact]
    public async Task ShowsWhyADeviceCannotBeAdded()
    {
        await ChannelAsync("stable", "mako");
        var page = Open("stable");

        await page.Find("#device-name").InputAsync("mako");
        await ClickAsync(page, "Add device");

        page.WaitForAssertion(() => Assert.Equal("Device 'mako' already exists in channel 'stable'.", page.Find(".notice.error").TextContent), Patience);
        await page.Find("#device-name").InputAsync("bad/name");
        await ClickAsync(page, "Add device");
        page.WaitForAssertion(() => Assert.Equal("Invalid device name 'bad/name': a device name cannot contain '/'.", page.Find(".notice.error").TextContent), Patience);
        Assert.Single(PublishedChannels()["stable"]!["devices"]!.AsObject());
    }

    [Fact]
    public async Task RedirectsOneDeviceToAnotherChannel()
    {
        await ChannelAsync("stable", "mako");
        await PublishAsync("stable", "mako", 1);
        await ChannelAsync("rc");
        var page = Open("rc");

        await page.Find("#device-name").InputAsync("mako");
        await page.Find("#device-redirect").ChangeAsync("stable");
        await ClickAsync(page, "Add device");

        page.WaitForAssertion(() => Assert.Equal("Device 'mako' of 'rc' now uses channel 'stable'.", page.Find(".notice.ok").TextContent), Patience);
        var mako = PublishedChannels()["rc"]!["devices"]!["mako"]!.AsObject();
        Assert.Equal(("stable", "/stable/mako/index.json"), (mako["redirect"]!.GetValue<string>(), mako["index"]!.GetValue<string>()));
        page.WaitForAssertion(() => Assert.StartsWith("mako → stable v1 · 100% (1 full)", Text(page.Find("tr[data-device=mako]"))), Patience);
    }

    [Fact]
    public async Task RemovesADeviceAfterConfirming()
    {
        await ChannelAsync("stable", "flo", "mako");
        var page = Open("stable");

        await ClickAsync(page.Find("button[aria-label='Remove device mako']"));
        Assert.Equal("Remove device mako from stable?", page.Find(".dialog h2").TextContent);
        await ClickAsync(page, "Cancel");
        Assert.Empty(page.FindAll(".dialog"));
        Assert.Equal(2, PublishedChannels()["stable"]!["devices"]!.AsObject().Count);

        await ClickAsync(page.Find("button[aria-label='Remove device mako']"));
        await ClickAsync(page, "Remove device");

        page.WaitForAssertion(() => Assert.Equal("Removed device 'mako' from channel 'stable'.", page.Find(".notice.ok").TextContent), Patience);
        page.WaitForAssertion(() => Assert.Equal(["flo"], page.FindAll("tr[data-device]").Select(r => r.GetAttribute("data-device"))), Patience);
        Assert.Equal(["flo"], PublishedChannels()["stable"]!["devices"]!.AsObject().Select(d => d.Key));
    }

    [Fact]
    public async Task AnAliasOffersNoDeviceChanges()
    {
        await ChannelAsync("devel", "mako");
        Ok(await Get<ChannelService>().CreateAliasAsync("daily", "devel", Operator, None));

        var page = Open("daily");

        Assert.Single(page.FindAll("tr[data-device=mako]"));
        Assert.Empty(page.FindAll("#device-name"));
        Assert.Empty(page.FindAll("button[aria-label^='Remove device']"));
    }
}
