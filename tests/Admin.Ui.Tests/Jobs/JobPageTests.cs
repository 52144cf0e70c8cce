using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Admin.Ui.Jobs;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Jobs;

public sealed class JobPageTests : UiTestContext
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Actor Alice = new("alice", "ui");

    // ImportRuns writes progress at most once a second; waiting that long makes the next report land.
    private static readonly TimeSpan ImportRunsFlushInterval = TimeSpan.FromSeconds(1.1);

    private ImportRuns Runs => Get<ImportRuns>();

    [Fact]
    public async Task ShowsLoadingUntilTheJobArrives()
    {
        var runId = await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);
        var held = new HeldDbContextFactory(Get<IDbContextFactory<SystemImageDbContext>>());
        Services.AddSingleton(ActivatorUtilities.CreateInstance<ImportRuns>(Data.Services, held));

        var page = RenderWhileLoading<JobPage>(p => p.Add(j => j.Id, runId));

        Assert.Equal("Loading job…", page.Find("[data-testid=loading]").TextContent);
        held.Release();
        page.WaitForAssertion(() => Assert.Equal("queued", page.Find("[data-testid=job-state]").TextContent));
    }

    [Fact]
    public void SaysSoWhenThereIsNoSuchJob()
    {
        var page = Render<JobPage>(p => p.Add(j => j.Id, 42));

        Assert.Equal("There is no job 42.", page.Find("[role=alert]").TextContent);
    }

    [Fact]
    public async Task ShowsAnErrorWhenTheJobCannotBeRead()
    {
        await Breakage.DropTableAsync(Data, "ImportRuns");

        var page = Render<JobPage>(p => p.Add(j => j.Id, 1));

        Assert.Contains($"Could not load job 1: {Breakage.MissingTable("ImportRuns")}", page.Find("[role=alert]").TextContent);
    }

    [Fact]
    public async Task ShowsTheJobsFactsAndItsLogLinesWithTheirTimes()
    {
        var runId = await Runs.RecordSkippedAsync("devel", "schedule", Actor.System, "Run 1 of devel is still going.", None);

        var page = Render<JobPage>(p => p.Add(j => j.Id, runId));

        var facts = page.FindAll("dl.facts dt").Zip(page.FindAll("dl.facts dd"), (dt, dd) => (dt.TextContent, dd.TextContent.Trim())).ToDictionary();
        Assert.Equal(("import", "devel", "skipped", "schedule", "system (job)"), (facts["Kind"], facts["Channel"], facts["State"], facts["Trigger"], facts["Actor"]));
        Assert.Equal("not yet", facts["Started"]);
        Assert.Equal("Run 1 of devel is still going.", facts["Summary"]);
        var line = page.Find("[data-testid=job-log] .log-line");
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", line.QuerySelector("time")!.TextContent);
        Assert.EndsWith(" Run 1 of devel is still going.", line.TextContent);
    }

    [Fact]
    public async Task FollowsTheLogAndProgressAsTheJobRuns()
    {
        var runId = await Runs.QueueAsync("", "rotate image-signing", Alice, None, ImportRun.RotateKind);
        var page = Render<JobPage>(p => p.Add(j => j.Id, runId));
        Assert.Equal("No log lines yet.", page.Find("[data-testid=job-log]").TextContent.Trim());

        var release = new TaskCompletionSource();
        var running = Runs.RunWorkAsync(runId, async (reporter, token) =>
        {
            reporter.Log("Generating a new image-signing key");
            await Task.Delay(ImportRunsFlushInterval, token);
            reporter.Progress("mako", "ubuntu", 300, null);
            await release.Task;
            return OperationResult.Ok("Rotated image-signing.");
        }, None);

        page.WaitForAssertion(() => Assert.Contains("Generating a new image-signing key", page.Find("[data-testid=job-log]").TextContent));
        page.WaitForAssertion(() =>
        {
            Assert.Equal("running", page.Find("[data-testid=job-state]").TextContent);
            Assert.Contains("mako · ubuntu · 300 B", page.Find("[data-testid=job-progress]").TextContent);
            Assert.Contains("indeterminate", page.Find("[role=progressbar]").ClassName);
        }, TimeSpan.FromSeconds(5));

        release.SetResult();
        await running;
        page.WaitForAssertion(() =>
        {
            Assert.Equal("succeeded", page.Find("[data-testid=job-state]").TextContent);
            Assert.Equal("Rotated image-signing.", page.Find("[data-testid=job-summary]").TextContent);
            Assert.Equal(2, page.FindAll(".log-line").Count);
        });
    }

    [Fact]
    public async Task AnAdminCancelsAQueuedJobAndItNeverRuns()
    {
        var runId = await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);
        var page = Render<JobPage>(p => p.Add(j => j.Id, runId));

        await page.Find("[data-testid=cancel-job]").ClickAsync();
        await page.Find("[role=dialog] button.danger").ClickAsync();

        page.WaitForAssertion(() => Assert.Equal("cancelled", page.Find("[data-testid=job-state]").TextContent));
        Assert.Equal($"Cancelled job {runId} (the re-sign of the tree) before it started.", page.Find("p.notice.ok").TextContent);
        Assert.Equal("Cancelled by tester (ui) before it started.", page.Find("[data-testid=job-summary]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=cancel-job]"));
        Assert.False((await Runs.RunWorkAsync(runId, (_, _) => Task.FromResult(OperationResult.Ok("Ran.")), None)).Succeeded);
    }

    [Fact]
    public async Task AnAdminCancelsARunningImportWhichStopsAndIsShownCancelled()
    {
        ImportOutcome outcome;
        int runId;
        await using (await Get<PublishLock>().AcquireAsync(None))
        {
            // Held at the publish lock, the import is running but cannot get anywhere.
            runId = await Runs.QueueAsync("devel", "import-now", Alice, None);
            var running = Runs.RunAsync(runId, Alice, None);
            var page = Render<JobPage>(p => p.Add(j => j.Id, runId));
            page.WaitForAssertion(() => Assert.Equal("running", page.Find("[data-testid=job-state]").TextContent));

            await page.Find("[data-testid=cancel-job]").ClickAsync();
            Assert.Contains("It stops at its next step.", page.Find("[role=dialog]").TextContent);
            await page.Find("[role=dialog] button.danger").ClickAsync();

            outcome = await running.WaitAsync(TimeSpan.FromSeconds(10));
            page.WaitForAssertion(() =>
            {
                Assert.Equal("cancelled", page.Find("[data-testid=job-state]").TextContent);
                Assert.StartsWith("Cancelled by tester (ui);", page.Find("[data-testid=job-summary]").TextContent);
            });
            Assert.StartsWith($"Cancelling job {runId}", page.Find("p.notice.ok").TextContent);
        }

        Assert.False(outcome.Result.Succeeded);
    }

    [Fact]
    public async Task ThereIsNoCancelButtonForViewersNorForAJobThatHasEndedNorForARunningReSign()
    {
        var queued = await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);
        var ended = await Runs.RecordSkippedAsync("devel", "schedule", Actor.System, "Busy.", None);
        var resign = await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);
        var (started, release) = (new TaskCompletionSource(), new TaskCompletionSource());
        var running = Runs.RunWorkAsync(resign, async (_, token) =>
        {
            started.SetResult();
            await release.Task.WaitAsync(token);
            return OperationResult.Ok("Re-signed.");
        }, None);
        await started.Task;

        Assert.Empty(Render<JobPage>(p => p.Add(j => j.Id, ended)).FindAll("[data-testid=cancel-job]"));
        Assert.Empty(Render<JobPage>(p => p.Add(j => j.Id, resign)).FindAll("[data-testid=cancel-job]"));
        Assert.Single(Render<JobPage>(p => p.Add(j => j.Id, queued)).FindAll("[data-testid=cancel-job]"));
        SignInAs("vera", Role.Viewer);
        Assert.Empty(Render<JobPage>(p => p.Add(j => j.Id, queued)).FindAll("[data-testid=cancel-job]"));
        release.SetResult();
        await running;
    }

    [Fact]
    public async Task LinksItsBackgroundJobToTheDashboardForAdminsOnly()
    {
        var runId = await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);
        await Runs.SetJobIdAsync(runId, "17", None);

        var admin = Render<JobPage>(p => p.Add(j => j.Id, runId));
        Assert.Equal("/admin/jobs/jobs/details/17", admin.Find("a[target=_blank]").GetAttribute("href"));

        SignInAs("vera", Role.Viewer);
        var viewer = Render<JobPage>(p => p.Add(j => j.Id, runId));
        Assert.Contains("17", viewer.Find("dl.facts").TextContent);
        Assert.Empty(viewer.FindAll("a[target=_blank]"));
    }
}
