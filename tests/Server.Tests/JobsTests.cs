using System.Net;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.Storage;
using SystemImage.Core.Channels;
using SystemImage.Core.Generators;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Server.Jobs;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>Imports as background jobs on the real host: import now, recurring schedules, pause/resume, the dashboard.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class JobsTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    private static readonly Actor Tester = new("tester", "api");

    [Fact]
    public async Task ImportNowRunsTheImportAsABackgroundJobAndRecordsItsRun()
    {
        await server.CreateAutoChannelAsync("now");

        var (result, runId, jobId) = await server.Get<ImportJobs>().ImportNowAsync("now", Tester, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.False(string.IsNullOrEmpty(jobId));
        var runs = server.Get<ImportRuns>();
        Assert.True(await InProcessServer.EventuallyAsync(async () =>
            (await runs.GetAsync(runId!.Value, CancellationToken.None))!.State is ImportRunState.Succeeded or ImportRunState.Failed));
        var run = (await runs.GetAsync(runId!.Value, CancellationToken.None))!;
        Assert.Equal((ImportRunState.Succeeded, jobId, "import-now"), (run.State, run.JobId, run.Trigger));
        Assert.Contains("mako: published version 1", run.Log);
        var index = JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/now/mako/index.json", UriKind.Relative)))!;
        Assert.Single(index["images"]!.AsArray());
    }

    [Fact]
    public async Task ImportNowRefusesManualPausedAndUnknownChannels()
    {
        await server.CreateAutoChannelAsync("paused");
        await server.Get<ImporterConfigService>().SetPausedAsync("paused", true, Tester, CancellationToken.None);
        Assert.True((await server.Get<ChannelService>().CreateAsync("by-hand", false, Tester, CancellationToken.None)).Succeeded);
        var jobs = server.Get<ImportJobs>();

        Assert.Contains("paused", (await jobs.ImportNowAsync("paused", Tester, CancellationToken.None)).Result.Message);
        Assert.Contains("not an automatic channel", (await jobs.ImportNowAsync("by-hand", Tester, CancellationToken.None)).Result.Message);
        Assert.Equal(OperationStatus.NotFound, (await jobs.ImportNowAsync("nowhere", Tester, CancellationToken.None)).Result.Status);
    }

    [Fact]
    public async Task RecurringJobsFollowScheduleAndPause()
    {
        await server.CreateAutoChannelAsync("sched", "0 3 * * *");
        var recurring = server.Get<RecurringImports>();
        string? Cron()
        {
            using var connection = server.Get<JobStorage>().GetConnection();
            return connection.GetRecurringJobs().FirstOrDefault(j => j.Id == "import:sched")?.Cron;
        }

        await recurring.SyncAsync(CancellationToken.None);
        Assert.Equal("0 3 * * *", Cron());

        await server.Get<ImporterConfigService>().SetPausedAsync("sched", true, Tester, CancellationToken.None);
        await recurring.SyncAsync(CancellationToken.None);
        Assert.Null(Cron());

        await server.Get<ImporterConfigService>().SetPausedAsync("sched", false, Tester, CancellationToken.None);
        var config = (await server.Get<ImporterConfigService>().GetAsync("sched", CancellationToken.None))! with { Schedule = "30 4 * * 1" };
        await server.Get<ImporterConfigService>().SetAsync("sched", config, Tester, CancellationToken.None);
        await recurring.SyncAsync(CancellationToken.None);
        Assert.Equal("30 4 * * 1", Cron());
    }

    [Fact]
    public async Task AScheduledImportFiresOnItsOwn()
    {
        // Every second (six fields, seconds first); the host's own sync picks the channel up.
        await server.CreateAutoChannelAsync("every-second", "* * * * * *");
        var runs = server.Get<ImportRuns>();

        Assert.True(await InProcessServer.EventuallyAsync(async () =>
            (await server.Get<ImportRunQueries>().RecentAsync("every-second", null, 10, CancellationToken.None)).Any(r => r.Trigger == "schedule" && r.State == ImportRunState.Succeeded)));
        var pause = await server.Get<ImporterConfigService>().SetPausedAsync("every-second", true, Tester, CancellationToken.None);
        Assert.True(pause.Succeeded);

        // Paused: once a running import has finished, no scheduled run starts any more.
        await Task.Delay(2500);
        var settled = (await server.Get<ImportRunQueries>().RecentAsync("every-second", null, 100, CancellationToken.None)).Count;
        await Task.Delay(3000);
        Assert.Equal(settled, (await server.Get<ImportRunQueries>().RecentAsync("every-second", null, 100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task TwoImportsAtOnceRunOneAfterTheOtherAndTheSecondSaysItWaited()
    {
        await server.CreateAutoChannelAsync("twice");
        var jobs = server.Get<ImportJobs>();
        var runs = server.Get<ImportRuns>();
        int first, second;
        await using (await server.Get<SystemImage.Core.Publishing.PublishLock>().AcquireAsync(CancellationToken.None))
        {
            first = (await jobs.ImportNowAsync("twice", Tester, CancellationToken.None)).RunId!.Value;
            second = (await jobs.ImportNowAsync("twice", Tester, CancellationToken.None)).RunId!.Value;
            await Task.Delay(1500);
        }

        Assert.True(await InProcessServer.EventuallyAsync(async () =>
            (await server.Get<ImportRunQueries>().RecentAsync("twice", null, 10, CancellationToken.None)).All(r => r.State is not (ImportRunState.Queued or ImportRunState.Running))));
        var done = new[] { (await runs.GetAsync(first, CancellationToken.None))!, (await runs.GetAsync(second, CancellationToken.None))! };
        Assert.Equal([ImportRunState.Succeeded, ImportRunState.NothingNew], done.Select(r => r.State).Order());
        Assert.Contains("Waited", done.Single(r => r.State == ImportRunState.NothingNew).Log);
        Assert.Single(JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/twice/mako/index.json", UriKind.Relative)))!["images"]!.AsArray());
    }

    [Fact]
    public async Task AScheduledRunIsSkippedWhileAnotherRunOfTheChannelIsActive()
    {
        await server.CreateAutoChannelAsync("busy");
        var runs = server.Get<ImportRuns>();
        var active = await runs.QueueAsync("busy", "import-now", Tester, CancellationToken.None);

        await server.Get<ImportJob>().RunScheduledAsync("busy", null, CancellationToken.None);

        var skipped = (await server.Get<ImportRunQueries>().RecentAsync("busy", null, 10, CancellationToken.None))[0];
        Assert.Equal((ImportRunState.Skipped, "schedule"), (skipped.State, skipped.Trigger));
        Assert.Contains($"run {active} of busy is still queued", skipped.Summary);
    }

    [Fact]
    public async Task AnAdminCancelsAQueuedImportThroughTheApiAndItsBackgroundJobIsDeleted()
    {
        await server.CreateAutoChannelAsync("queued");
        var runs = server.Get<ImportRuns>();
        var runId = await runs.QueueAsync("queued", "import-now", Tester, CancellationToken.None);
        var jobId = server.Get<IBackgroundJobClient>().Schedule<ImportJob>(job => job.RunAsync(runId, null, CancellationToken.None), TimeSpan.FromHours(1));
        await runs.SetJobIdAsync(runId, jobId, CancellationToken.None);
        Assert.True(server.Get<IJobQueue>().MayStillRun(jobId, TimeSpan.FromMinutes(1)));
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin, "cancelling-admin");

        using var response = await admin.PostAsync(new Uri($"/api/v1/jobs/{runId}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var job = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(("cancelled", "Cancelled by cancelling-admin (api) before it started."), (job["state"]!.GetValue<string>(), job["summary"]!.GetValue<string>()));
        Assert.False(server.Get<IJobQueue>().MayStillRun(jobId, TimeSpan.FromMinutes(1)));
        using (var connection = server.Get<JobStorage>().GetConnection())
        {
            Assert.Equal("Deleted", connection.GetStateData(jobId).Name);
        }

        using var again = await admin.PostAsync(new Uri($"/api/v1/jobs/{runId}/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task AnAdminCancelsARunningImportThroughTheApiAndItStopsLeavingTheTreeAsItWas()
    {
        await server.CreateAutoChannelAsync("running");
        var runs = server.Get<ImportRuns>();
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin, "stopping-admin");
        var index = await server.Http.GetStringAsync(new Uri("/running/mako/index.json", UriKind.Relative));
        int runId;
        HttpResponseMessage response;

        // Held at the publish lock, the import is running but cannot get anywhere.
        await using (await server.Get<SystemImage.Core.Publishing.PublishLock>().AcquireAsync(CancellationToken.None))
        {
            runId = (await server.Get<ImportJobs>().ImportNowAsync("running", Tester, CancellationToken.None)).RunId!.Value;
            Assert.True(await InProcessServer.EventuallyAsync(async () => (await runs.GetAsync(runId, CancellationToken.None))!.State == ImportRunState.Running));

            response = await admin.PostAsync(new Uri($"/api/v1/jobs/{runId}/cancel", UriKind.Relative), null);
            Assert.True(await InProcessServer.EventuallyAsync(async () => (await runs.GetAsync(runId, CancellationToken.None))!.State == ImportRunState.Cancelled));
        }

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/v1/jobs/{runId}", response.Headers.Location!.OriginalString);
        var job = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(("running", "stopping-admin (api)"), (job["state"]!.GetValue<string>(), job["cancelRequestedBy"]!.GetValue<string>()));
        Assert.Equal("Cancelled by stopping-admin (api); images committed before the cancellation stay published.", (await runs.GetAsync(runId, CancellationToken.None))!.Summary);
        Assert.Equal(index, await server.Http.GetStringAsync(new Uri("/running/mako/index.json", UriKind.Relative)));
        response.Dispose();
    }

    [Fact]
    public async Task OnlyAdminsCancelJobs()
    {
        var runId = await server.Get<ImportRuns>().QueueAsync("", "resign", Tester, CancellationToken.None, ImportRun.ResignKind);
        using var publisher = await ApiClient.WithRoleAsync(server, Role.Publisher);

        using var response = await publisher.PostAsync(new Uri($"/api/v1/jobs/{runId}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await server.Get<ImportRuns>().CancelAsync(runId, Tester, CancellationToken.None);
    }

    [Fact]
    public async Task TheDashboardIsForAdminsOnly()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync(new Uri("/admin/jobs", UriKind.Relative))).StatusCode);
        using var viewer = await ApiClient.WithRoleAsync(server, Role.Viewer);
        Assert.NotEqual(HttpStatusCode.OK, (await viewer.GetAsync(new Uri("/admin/jobs", UriKind.Relative))).StatusCode);
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);

        var response = await admin.GetAsync(new Uri("/admin/jobs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("System Image Server jobs", await response.Content.ReadAsStringAsync());
    }
}
