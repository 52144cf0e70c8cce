using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Admin.Ui.Jobs;
using SystemImage.Core.Channels;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Jobs;

public sealed class JobsPageTests : UiTestContext
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Actor Alice = new("alice", "api");

    private ImportRuns Runs => Get<ImportRuns>();

    [Fact]
    public void ShowsLoadingUntilTheJobsArrive()
    {
        var held = new HeldDbContextFactory(Get<Microsoft.EntityFrameworkCore.IDbContextFactory<SystemImage.Core.Persistence.SystemImageDbContext>>());
        Services.AddSingleton(new ImportRunQueries(held, Runs));

        var page = RenderWhileLoading<JobsPage>();

        Assert.Equal("Loading jobs…", page.Find("[data-testid=loading]").TextContent);
        held.Release();
        page.WaitForAssertion(() => Assert.Equal("No jobs yet.", page.Find("[data-testid=jobs-empty]").TextContent));
    }

    [Fact]
    public async Task ListsJobsWithTheirKindChannelStateTriggerActorAndSummary()
    {
        await CreateChannelsAsync("devel");
        var skipped = await Runs.RecordSkippedAsync("devel", "schedule", Actor.System, "Run 1 of devel is still going.", None);
        var resign = await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);

        var page = Render<JobsPage>();

        var rows = page.FindAll("tbody tr");
        Assert.Equal([$"job-{resign}", $"job-{skipped}"], rows.Select(r => r.GetAttribute("data-testid")));
        var cells = rows[1].QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal([$"#{skipped}", "import", "devel", "skipped", "schedule", "system (job)"], cells.Take(6));
        Assert.Equal("Run 1 of devel is still going.", cells[8]);
        Assert.Equal(AdminRoutes.Job(skipped), rows[1].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(AdminRoutes.Channel("devel"), rows[1].QuerySelectorAll("a")[1].GetAttribute("href"));
        Assert.Equal(["resign", "the whole tree", "queued", "alice (api)"], new[] { 1, 2, 3, 5 }.Select(i => rows[0].QuerySelectorAll("td")[i].TextContent.Trim()));
    }

    [Fact]
    public async Task ShowsAnErrorWhenTheJobsCannotBeRead()
    {
        await Breakage.DropTableAsync(Data, "ImportRuns");

        var page = Render<JobsPage>();

        Assert.Contains($"Could not load the jobs: {Breakage.MissingTable("ImportRuns")}", page.Find("[role=alert]").TextContent);
    }

    [Fact]
    public async Task FiltersByChannelTreeWideJobsAndState()
    {
        await CreateChannelsAsync("devel", "stable");
        var devel = await Runs.QueueAsync("devel", "import-now", Alice, None);
        var stable = await Runs.RecordSkippedAsync("stable", "schedule", Actor.System, "Busy.", None);
        var resign = await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);
        var page = Render<JobsPage>();
        Assert.Equal(3, page.FindAll("tbody tr").Count);

        await page.Find("select").ChangeAsync("devel");
        Assert.Equal([$"job-{devel}"], RowIds(page));
        await page.Find("select").ChangeAsync(JobFilters.TreeWide);
        Assert.Equal([$"job-{resign}"], RowIds(page));
        await page.Find("select").ChangeAsync(JobFilters.All);
        await page.FindAll("select")[1].ChangeAsync("active");
        Assert.Equal([$"job-{resign}", $"job-{devel}"], RowIds(page));
        await page.FindAll("select")[1].ChangeAsync("skipped");
        Assert.Equal([$"job-{stable}"], RowIds(page));
        await page.FindAll("select")[1].ChangeAsync("failed");
        Assert.Equal("No jobs match these filters.", page.Find("[data-testid=jobs-empty]").TextContent);
    }

    [Fact]
    public async Task OpensFilteredToAChannelWhoseNameHasASlash()
    {
        await CreateChannelsAsync("ubuntu-touch/stable", "devel");
        var wanted = await Runs.QueueAsync("ubuntu-touch/stable", "import-now", Alice, None);
        await Runs.QueueAsync("devel", "import-now", Alice, None);
        Services.GetRequiredService<NavigationManager>().NavigateTo($"{AdminRoutes.Jobs}?channel={Uri.EscapeDataString("ubuntu-touch/stable")}");

        var page = Render<JobsPage>();

        Assert.Equal([$"job-{wanted}"], RowIds(page));
        Assert.Equal("ubuntu-touch/stable", page.Find("select").GetAttribute("value"));
        Assert.Equal("/admin/channels/ubuntu-touch%2Fstable", page.Find("tbody a[href^='/admin/channels']").GetAttribute("href"));
    }

    [Fact]
    public async Task FollowsARunningJobLiveWithoutBeingRenderedAgain()
    {
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=jobs-empty]"));

        var runId = await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);
        page.WaitForAssertion(() => Assert.Equal("queued", State(page, runId)));

        var release = new TaskCompletionSource();
        var running = Runs.RunWorkAsync(runId, async (reporter, token) =>
        {
            reporter.Progress("mako", "ubuntu", 50, 200);
            await release.Task;
            return OperationResult.Ok("Re-signed 3 files.");
        }, None);
        page.WaitForAssertion(() =>
        {
            Assert.Equal("running", State(page, runId));
            Assert.Equal("25", page.Find("[role=progressbar]").GetAttribute("aria-valuenow"));
            Assert.Contains("mako · ubuntu · 50 B of 200 B (25%)", page.Find("[data-testid=job-progress]").TextContent);
        });

        release.SetResult();
        await running;
        page.WaitForAssertion(() =>
        {
            Assert.Equal("succeeded", State(page, runId));
            Assert.Contains("Re-signed 3 files.", page.Find($"[data-testid=job-{runId}]").TextContent);
            Assert.Empty(page.FindAll("[role=progressbar]"));
        });
    }

    [Fact]
    public async Task CatchesJobsThatAnotherProcessRunsByLookingAgainWhileAnyIsActive()
    {
        var runId = await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);
        var page = Render<JobsPage>();
        Assert.Equal("queued", State(page, runId));

        // Another process: the same database, but its own ImportRuns, whose changes this one is never told about.
        var elsewhere = ActivatorUtilities.CreateInstance<ImportRuns>(Data.Services);
        await elsewhere.RunWorkAsync(runId, (_, _) => Task.FromResult(OperationResult.Ok("Done elsewhere.")), None);

        page.WaitForAssertion(() => Assert.Equal("succeeded", State(page, runId)), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void LinksToTheHangfireDashboardForAdminsOnly()
    {
        var admin = Render<JobsPage>();
        Assert.Equal(AdminRoutes.Dashboard, admin.Find("a.button").GetAttribute("href"));

        SignInAs("paula", Role.Publisher);
        Assert.DoesNotContain("Hangfire", Render<JobsPage>().Markup);
        SignInAs("vera", Role.Viewer);
        var viewer = Render<JobsPage>();
        Assert.DoesNotContain("Hangfire", viewer.Markup);
        Assert.Empty(viewer.FindAll("button"));
    }

    [Fact]
    public async Task AnAdminCancelsAQueuedJobFromTheListAfterConfirming()
    {
        var finished = await Runs.RecordSkippedAsync("", "schedule", Actor.System, "Busy.", None);
        var queued = await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);
        var page = Render<JobsPage>();
        Assert.Empty(page.FindAll($"[data-testid=job-{finished}] [data-testid=cancel-job]"));

        await page.Find($"[data-testid=job-{queued}] [data-testid=cancel-job]").ClickAsync();
        Assert.Equal($"Cancel job {queued} (the whole tree)?", page.Find("[role=dialog] h2").TextContent);
        await page.Find("[role=dialog] button.danger").ClickAsync();

        page.WaitForAssertion(() => Assert.Equal("cancelled", State(page, queued)));
        Assert.Contains("Cancelled by tester (ui) before it started.", page.Find($"[data-testid=job-{queued}]").TextContent);
        Assert.Equal(ImportRunState.Cancelled, (await Runs.GetAsync(queued, None))!.State);
    }

    [Fact]
    public async Task ViewersAndPublishersSeeNoCancelButton()
    {
        await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);

        SignInAs("paula", Role.Publisher);
        Assert.Empty(Render<JobsPage>().FindAll("[data-testid=cancel-job]"));
        SignInAs("tester", Role.Admin);
        Assert.Single(Render<JobsPage>().FindAll("[data-testid=cancel-job]"));
    }

    private async Task CreateChannelsAsync(params string[] names)
    {
        foreach (var name in names)
        {
            Assert.True((await Get<ChannelService>().CreateAsync(name, false, Alice, None)).Succeeded);
        }
    }

    private static IEnumerable<string?> RowIds(IRenderedComponent<JobsPage> page) =>
        page.FindAll("tbody tr").Select(r => r.GetAttribute("data-testid"));

    private static string State(IRenderedComponent<JobsPage> page, int runId) =>
        page.Find($"[data-testid=job-{runId}] [data-testid=job-state]").TextContent;
}
