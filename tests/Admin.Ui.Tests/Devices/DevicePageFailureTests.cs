using Bunit;
using SystemImage.Core.Images;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Devices;

/// <summary>A device page whose action throws (here: a damaged database) says why and keeps working.</summary>
public sealed class DevicePageFailureTests : DevicePageContext
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ChannelAsync("devel", "mako");
        await ChannelAsync("stable", "mako");
        await PublishAsync("devel", "mako", 1);
        await PublishAsync("devel", "mako", 2);
        Ok(await Get<ImageCopyService>().CopyAsync(new CopyImageRequest("devel", "stable", "mako") { Version = 1 }, Setup, CancellationToken.None));
    }

    [Fact]
    public async Task AnActionThatThrowsShowsItsReasonAndThePageKeepsWorking()
    {
        var page = RenderPage("stable", "mako");
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#phase-number")), Slow);

        // Every change records a pending publish in the same commit: without the table, the change throws.
        await Breakage.DropTableAsync(Data, "PendingPublishes");
        await page.Find("#phase-number").InputAsync("30");
        await ClickAsync(page, "Set phased percentage");

        var notice = Notice(page);
        Assert.Equal("alert", notice.GetAttribute("role"));
        Assert.StartsWith("Could not change images: ", notice.TextContent);
        Assert.Contains(Breakage.MissingTable("PendingPublishes"), notice.TextContent);
        var button = Button(page, "Set phased percentage");
        Assert.Equal("false", button.GetAttribute("aria-busy"));
        Assert.False(button.HasAttribute("disabled"));

        // The circuit lives on: the next action (a read-only preview) works.
        await page.Find("#copy-source").ChangeAsync("devel");
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#copy-version option")));
        await ClickAsync(page, "Preview copy");
        Assert.Contains("becomes version 2 of stable/mako", page.Find("[data-testid=copy-preview]").TextContent);
    }
}
