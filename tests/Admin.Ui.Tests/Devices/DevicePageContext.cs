using System.Text.Json.Nodes;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using SystemImage.Admin.Ui.Devices;
using SystemImage.Core.Channels;
using SystemImage.Core.Generators;
using SystemImage.Core.Images;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Devices;

/// <summary>Channels, devices and published builds made through Core, the device page rendered over them, and its index.json.</summary>
public abstract class DevicePageContext : UiTestContext
{
    protected static readonly TimeSpan Slow = TimeSpan.FromSeconds(30);

    /// <summary>Makes <paramref name="channel"/> automatic (a version file only; the tests publish its builds themselves).</summary>
    protected async Task MakeAutoAsync(string channel)
    {
        var config = new ImporterConfig { Type = ChannelType.Auto, Files = [new ImportFile { Name = "version", Generator = VersionGenerator.GeneratorName }] };
        var result = await Get<ImporterConfigService>().SetAsync(channel, config, Setup, CancellationToken.None);
        Assert.True(result.Succeeded, result.Message);
    }

    protected IRenderedComponent<DevicePage> RenderPage(string channel, string device) => Render(Address(channel, device));

    /// <summary>The device page before its first load has ended, for the test of its loading state.</summary>
    protected IRenderedComponent<DevicePage> RenderPageWhileLoading(string channel, string device) => RenderWhileLoading(Address(channel, device));

    private static Action<ComponentParameterCollectionBuilder<DevicePage>> Address(string channel, string device) =>
        p => p.Add(x => x.ChannelSegment, Uri.EscapeDataString(channel)).Add(x => x.DeviceSegment, Uri.EscapeDataString(device));

    /// <summary>The entries of the device's published index.json.</summary>
    protected IEnumerable<string> Entries(string channel, string device) =>
        Images(channel, device).Select(i => i!["type"]!.GetValue<string>() == "full" ? $"full {i["version"]}" : $"delta {i["base"]}-{i["version"]}");

    protected JsonNode Full(string channel, string device, int version) =>
        Images(channel, device).Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == version)!;

    /// <summary>The one button whose text or accessible name (aria-label) is <paramref name="name"/>.</summary>
    protected static IElement Button(IRenderedComponent<DevicePage> page, string name) =>
        page.FindAll("button").Single(b => (b.GetAttribute("aria-label") ?? b.TextContent.Trim()) == name);

    /// <summary>Clicks the button labelled <paramref name="text"/> and waits for its action to finish.</summary>
    protected static Task ClickAsync(IRenderedComponent<DevicePage> page, string text) => ClickFoundAsync(() => Button(page, text)).WaitAsync(Slow);

    /// <summary>The message the page shows for the last action.</summary>
    protected static IElement Notice(IRenderedComponent<DevicePage> page)
    {
        page.WaitForElement(".notice-area .notice", Slow);
        return page.Find(".notice-area .notice");
    }
}
