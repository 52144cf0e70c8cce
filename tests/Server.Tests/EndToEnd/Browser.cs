using Microsoft.Playwright;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>
/// Debian's headless Chromium (<c>/usr/bin/chromium</c>) driven by Playwright; never a downloaded browser. A missing
/// Chromium fails the tests. Screenshots go to <c>artifacts/screenshots</c> at the repository root (or <c>$SCREENSHOTS_DIR</c>).
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright _playwright = null!;

    public IBrowser Chromium { get; private set; } = null!;

    public static string ScreenshotDirectory { get; } = Environment.GetEnvironmentVariable("SCREENSHOTS_DIR") is { Length: > 0 } dir
        ? dir
        : Path.Combine(RepositoryRoot.Path, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        var executable = Tools.Require("chromium");
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
    }

    /// <summary>A fresh browser context (own cookies) at desktop width, or phone width with <paramref name="phone"/>.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress, bool phone = false)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Saves a screenshot as <paramref name="name"/>.png: the whole page, or only the viewport with <paramref name="fullPage"/> false.</summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        if (fullPage)
        {
            // Chromium photographs the whole page from where it is scrolled to: sticky parts would sit mid-page.
            await page.EvaluateAsync("window.scrollTo(0, 0)");
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = fullPage });
    }

    /// <summary>Waits until the page's Blazor circuit is connected, so its buttons act.</summary>
    public static Task WaitForInteractiveAsync(IPage page) => page.Locator("main[data-interactive=true]").WaitForAsync();

    /// <summary>Loads <paramref name="url"/> afresh and waits for its circuit.</summary>
    public static async Task GotoAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await WaitForInteractiveAsync(page);
    }

    /// <summary>Fails when the page is wider than the viewport (something would scroll sideways at this width).</summary>
    public static async Task AssertNoHorizontalOverflowAsync(IPage page)
    {
        var (scrollWidth, innerWidth) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("window.innerWidth"));
        if (scrollWidth > innerWidth + 1)
        {
            var culprits = await page.EvaluateAsync<string[]>(
                "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                + ".filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1)).slice(0, 5)"
                + ".map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + e.className : ''} ends at ${Math.round(e.getBoundingClientRect().right)} px`)");
            Assert.Fail($"{page.Url} is {scrollWidth} px wide in a {innerWidth} px viewport: {string.Join("; ", culprits)}");
        }
    }

    /// <summary>Fails when a one-line field (input or select) is drawn taller than a line or two, e.g. stretched by a flex rule.</summary>
    public static async Task AssertFieldsKeepTheirHeightAsync(IPage page)
    {
        var tall = await page.EvaluateAsync<string[]>(
            "[...document.querySelectorAll('input:not([type=hidden]), select')].filter(e => e.getBoundingClientRect().height > 56)"
            + ".map(e => `${e.id || e.getAttribute('aria-label') || e.outerHTML.slice(0, 80)}: ${Math.round(e.getBoundingClientRect().height)} px`)");
        Assert.True(tall.Length == 0, $"{page.Url} has fields drawn too tall: {string.Join("; ", tall)}");
    }

    /// <summary>Signs in through the sign-in page and waits for the interactive layout.</summary>
    public static async Task SignInAsync(IPage page, string name, string password, string returnUrl = "/admin")
    {
        await page.GotoAsync($"/admin/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.GetByLabel("User name").FillAsync(name);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await WaitForInteractiveAsync(page);
    }
}
