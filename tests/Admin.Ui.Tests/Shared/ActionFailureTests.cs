using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using SystemImage.Admin.Ui.Shared;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Shared;

/// <summary>An exception in an action shows its reason and leaves the page working, instead of a button that spins forever.</summary>
public sealed class ActionFailureTests : UiTestContext
{
    [Fact]
    public async Task AnActionButtonShowsWhyItsActionFailedAndWorksAgain()
    {
        var (runs, fail) = (0, true);
        var button = Render<ActionButton>(p => p
            .Add(b => b.OnRun, () =>
            {
                runs++;
                return fail ? throw new InvalidOperationException("the disk is on fire") : Task.CompletedTask;
            })
            .AddChildContent("Go"));

        await button.Find("button").ClickAsync(new MouseEventArgs());

        Assert.Equal(("alert", "Failed: the disk is on fire"), (button.Find(".action-failure").GetAttribute("role"), button.Find(".action-failure").TextContent));
        Assert.False(button.Find("button").HasAttribute("disabled"));
        Assert.Equal("false", button.Find("button").GetAttribute("aria-busy"));
        fail = false;
        await button.Find("button").ClickAsync(new MouseEventArgs());
        Assert.Equal(2, runs);
        Assert.Empty(button.FindAll(".action-failure"));
    }

    [Fact]
    public async Task PageErrorsShowsTheReasonOfAnUncaughtExceptionAndRecovers()
    {
        var page = Render<PageErrors>(p => p.AddChildContent<Breaker>());

        await page.Find("button").ClickAsync(new MouseEventArgs());

        Assert.Contains("Something went wrong: the disk is on fire", page.Find("[data-testid=page-error]").TextContent);
        await page.Find("[data-testid=page-error] button").ClickAsync(new MouseEventArgs());
        Assert.Empty(page.FindAll("[data-testid=page-error]"));
        Assert.Equal("Break", page.Find("button").TextContent);
    }

    /// <summary>A button whose handler throws, as a bug would.</summary>
    private sealed class Breaker : ComponentBase
    {
        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "button");
            builder.AddAttribute(1, "type", "button");
            builder.AddAttribute(2, "onclick", EventCallback.Factory.Create<MouseEventArgs>(this, Break));
            builder.AddContent(3, "Break");
            builder.CloseElement();
        }

        private static void Break() => throw new InvalidOperationException("the disk is on fire");
    }
}
