using Bunit;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Channels;

public sealed class RevertChannelTests : ChannelTestContext
{
    [Fact]
    public async Task PreviewsEachDeviceThenRevertsTheChannelInOneChange()
    {
        await ChannelAsync("stable", "flo", "grouper", "mako");
        foreach (var device in new[] { "flo", "grouper", "mako" })
        {
            await PublishAsync("stable", device, 1);
        }

        await PublishAsync("stable", "flo", 2);
        await PublishAsync("stable", "mako", 2);
        var page = Open("stable");

        await ClickAsync(page, "Preview revert");

        page.WaitForAssertion(() => Assert.StartsWith("Would revert 2 of 3 device(s) of stable", page.Find(".notice.ok").TextContent), Patience);
        Assert.Equal(
            ["flo 2 1 3 good version 1 again as version 3 over bad version 2", "grouper 1 skipped: no earlier good build", "mako 2 1 3 good version 1 again as version 3 over bad version 2"],
            page.FindAll("table.reverts tbody tr").Select(Text));

        await ClickAsync(page, "Revert 2 device(s)");
        var dialog = page.Find("[role=dialog]");
        Assert.Equal("Revert 2 device(s) of stable?", dialog.QuerySelector("h2")!.TextContent);
        Assert.Equal(
            ["flo: version 2 → good version 1 again as version 3", "mako: version 2 → good version 1 again as version 3"],
            dialog.QuerySelectorAll("li").Select(Text));
        Assert.Contains("Unchanged: grouper.", Text(dialog), StringComparison.Ordinal);

        await ClickAsync(page, "Cancel");
        Assert.Empty(page.FindAll("[role=dialog]"));
        Assert.Equal(2, Images("stable", "mako").Max(i => i!["version"]!.GetValue<int>()));

        await ClickAsync(page, "Revert 2 device(s)");
        await ClickAsync(page, "Revert channel");

        page.WaitForAssertion(() => Assert.StartsWith("Reverted 2 of 3 device(s) of stable", page.Find(".notice.ok").TextContent), Patience);
        Assert.Equal(3, Images("stable", "mako").Max(i => i!["version"]!.GetValue<int>()));
        Assert.Equal(1, Images("stable", "grouper").Max(i => i!["version"]!.GetValue<int>()));
        page.WaitForAssertion(() => Assert.Contains("v3", Text(page.Find("tr[data-device=mako]"))), Patience);
        Assert.Empty(page.FindAll("[role=dialog]"));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.StartsWith("Revert 2", StringComparison.Ordinal));
    }
}
