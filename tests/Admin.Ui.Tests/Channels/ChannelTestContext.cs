using System.Text.Json.Nodes;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using SystemImage.Admin.Ui.Channels;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Core.Channels;
using SystemImage.Core.Generators;
using SystemImage.Core.Images;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Channels;

/// <summary>Channel pages over real Core services, with helpers to set up channels and images as an operator would.</summary>
public abstract class ChannelTestContext : UiTestContext
{
    protected static readonly Actor Operator = Setup;
    protected static readonly CancellationToken None = CancellationToken.None;
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Publishes build <paramref name="build"/>, sharing half its files with the others.</summary>
    protected Task PublishAsync(string channel, string device, int build, int? percentage = null) => PublishAsync(channel, device, build, percentage, share: 0.5);

    /// <summary>An automatic configuration whose files are valid (an http download and the version tarball).</summary>
    protected static ImporterConfig AutoConfig(bool paused = false) => new()
    {
        Type = ChannelType.Auto,
        Paused = paused,
        Files =
        [
            new ImportFile { Name = "ubuntu", Generator = HttpGenerator.GeneratorName, Arguments = ["http://127.0.0.1:9/ubuntu.tar.xz"] },
            new ImportFile { Name = "version", Generator = VersionGenerator.GeneratorName },
        ],
    };

    protected async Task ConfigureAsync(string channel, ImporterConfig config) =>
        Ok(await Get<ImporterConfigService>().SetAsync(channel, config, Operator, None));

    /// <summary>A "gated" copy of <typeparamref name="T"/> for pages that inject it: its database answers only when the gate opens.</summary>
    private protected GatedDbContextFactory Gate<T>() where T : class
    {
        var gate = new GatedDbContextFactory(Get<IDbContextFactory<SystemImageDbContext>>());
        Services.AddSingleton(ActivatorUtilities.CreateInstance<T>(Data.Services, gate));
        return gate;
    }

    /// <summary>The channel page of <paramref name="channel"/>, once loaded.</summary>
    protected IRenderedComponent<ChannelPage> Open(string channel)
    {
        var page = Render<ChannelPage>(p => p.Add(x => x.ChannelSegment, Uri.EscapeDataString(channel)));
        page.WaitForAssertion(() => Assert.DoesNotContain("Loading channel…", page.Markup, StringComparison.Ordinal), Patience);
        return page;
    }

    protected JsonObject PublishedChannels() => TreeAssert.Channels(Data);

    /// <summary>An element's text with its white space collapsed, as a reader sees it.</summary>
    protected static string Text(IElement element) =>
        string.Join(' ', element.TextContent.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    protected static Task ClickAsync(IElement button) => button.ClickAsync(new MouseEventArgs());

    /// <summary>Clicks the button whose text is <paramref name="text"/> (see <see cref="UiTestContext.ClickFoundAsync"/>).</summary>
    protected static Task ClickAsync<T>(IRenderedComponent<T> page, string text) where T : IComponent => ClickFoundAsync(() => Button(page, text));

    /// <summary>The button whose text is <paramref name="text"/>.</summary>
    protected static IElement Button<T>(IRenderedComponent<T> component, string text) where T : IComponent =>
        component.FindAll("button").Single(b => b.TextContent.Trim() == text);

}
