using Bunit;
using SystemImage.Admin.Ui.Channels;
using SystemImage.Core.Images;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Channels;

/// <summary>The channels overview and a channel page follow changes nobody made on them (a verb, CI, a second server).</summary>
public sealed class LivePagesTests : UiTestContext
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TheOverviewShowsAChannelCreatedElsewhere()
    {
        await ChannelAsync("devel", "mako");
        var page = Render<ChannelsPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("tr[data-channel='devel']")), Soon);

        await ChannelAsync("stable", "mako");

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("tr[data-channel='stable']")), Soon);
    }

    [Fact]
    public async Task AChannelPageShowsABuildPublishedAndPhasedElsewhere()
    {
        await ChannelAsync("devel", "mako");
        var page = Render<ChannelPage>(p => p.Add(x => x.ChannelSegment, "devel"));
        page.WaitForAssertion(() => Assert.Contains("no image yet", page.Find("tr[data-device=mako]").TextContent), Soon);

        await PublishAsync("devel", "mako", 1);
        page.WaitForAssertion(() => Assert.Contains("v1 · 100%", page.Find("tr[data-device=mako]").TextContent), Soon);
        Ok(await Get<ImageEditor>().SetPhasedPercentageAsync("devel", "mako", 1, 20, Setup, CancellationToken.None));

        page.WaitForAssertion(() => Assert.Contains("v1 · 20%", page.Find("tr[data-device=mako]").TextContent), Soon);
    }
}
