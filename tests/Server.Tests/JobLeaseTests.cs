using System.Net;
using System.Text.Json.Nodes;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// Jobs held by leases, with the real executable: a server killed with SIGKILL leaves nothing "running" or "queued" for
/// ever once the lease has passed, whoever looks next (a verb, a restarted server), and an admin cancels a job the
/// server runs or queues from the command line. The channel's import downloads its rootfs from a local HTTP server
/// that stalls after the headers, so a job stays at work until the test lets it finish or cancels it.
/// </summary>
public sealed class JobLeaseTests : IAsyncLifetime
{
    private const string Rootfs = "/rootfs.tar.xz";
    private const string Failed = "failed";

    private readonly LocalHttpServer _source = new();

    private readonly ServerProcess _server = new()
    {
        Environment =
        {
            ["SystemImage__Jobs__ScheduleSyncSeconds"] = "1",
            ["SystemImage__Jobs__SchedulePollingIntervalSeconds"] = "1",
            ["SystemImage__Jobs__QueuePollIntervalSeconds"] = "0.2",
            ["SystemImage__Import__RunLeaseSeconds"] = "3",
            ["SystemImage__Import__RunHeartbeatSeconds"] = "0.5",
        },
    };

    public Task InitializeAsync()
    {
        _source.Set(Rootfs, new LocalHttpServer.Reply(200, new byte[10]) { DeclaredLength = 1_000_000, Stall = true });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _source.DisposeAsync();
    }

    [Fact]
    public async Task AJobOfAKilledServerIsFailedOnceItsLeasePassesAndAnImportOnDemandThenRuns()
    {
        await ConfigureAsync(schedule: "* * * * * *");
        using var api = await AdminClientAsync();
        await _server.StartAsync();
        var running = await RunningJobAsync(api);

        await _server.KillAsync();

        // Nothing restarts: the next verb that lists the jobs judges the lease, on any host, whatever process ids say.
        Assert.True(await InProcessServer.EventuallyAsync(async () => State(await RunAsync(running)) == Failed, 30), _server.Log);
        Assert.StartsWith("Interrupted: the process running it stopped", (await RunAsync(running))["summary"]!.GetValue<string>());
        ServeTheRootfs();
        Assert.Contains("Imported crash: mako version 1", (await Verb(0, "import-images", "--channel", "crash")).Stdout);
        Assert.Contains("0 missing, 0 orphaned", (await Verb(0, "check-tree")).Stdout);
    }

    [Fact]
    [Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)] // The jobs' SQLite file is lost; PostgreSQL keeps them with the rest.
    public async Task AQueuedJobOrphanedByAKilledServerDoesNotHoldBackTheSchedule()
    {
        _server.Environment["SystemImage__Jobs__WorkerCount"] = "1";
        await ConfigureAsync(schedule: "* * * * * *");
        using var api = await AdminClientAsync();
        await _server.StartAsync();
        var running = await RunningJobAsync(api);
        var queued = await ImportNowAsync(api);
        Assert.Equal("queued", await StateAsync(api, queued));

        await _server.KillAsync();

        // The jobs database did not survive the crash (a container that kept it off its volume): the queued job went with it.
        foreach (var file in Directory.EnumerateFiles(_server.DataDir, "hangfire.db*"))
        {
            File.Delete(file);
        }

        ServeTheRootfs();
        await _server.StartAsync();
        using var restarted = ApiClient(api);
        Assert.True(await InProcessServer.EventuallyAsync(async () =>
            (await JsonAsync(restarted, "/api/v1/jobs?limit=200")).AsArray().Any(j => j!["trigger"]!.GetValue<string>() == "schedule" && j["state"]!.GetValue<string>() == "succeeded" && j["id"]!.GetValue<int>() > queued), 120), _server.Log);

        Assert.Equal("failed", await StateAsync(restarted, running));
        var orphan = await JsonAsync(restarted, $"/api/v1/jobs/{queued}");
        Assert.Equal("failed", orphan["state"]!.GetValue<string>());
        Assert.Contains("no longer exists or ended without running it", orphan["summary"]!.GetValue<string>());
    }

    [Fact]
    public async Task CancelJobStopsAnImportRunningInTheServerAndOneQueuedBehindIt()
    {
        _server.Environment["SystemImage__Jobs__WorkerCount"] = "1";
        await ConfigureAsync(schedule: null);
        using var api = await AdminClientAsync();
        await _server.StartAsync();
        var running = await ImportNowAsync(api);
        var queued = await ImportNowAsync(api);
        Assert.True(await InProcessServer.EventuallyAsync(async () => await StateAsync(api, running) == "running"), _server.Log);

        Assert.Contains($"Cancelled job {queued} (the import of crash) before it started", (await Verb(0, "cancel-job", $"{queued}")).Stdout);
        Assert.Contains($"Cancelling job {running} (the import of crash)", (await Verb(0, "cancel-import", $"{running}")).Stdout);

        Assert.True(await InProcessServer.EventuallyAsync(async () => await StateAsync(api, running) == "cancelled", 60), _server.Log);
        Assert.StartsWith($"Cancelled by {Environment.UserName} (cli)", (await JsonAsync(api, $"/api/v1/jobs/{running}"))["summary"]!.GetValue<string>());
        await Task.Delay(2000);
        var notRun = await JsonAsync(api, $"/api/v1/jobs/{queued}");
        Assert.Equal(("cancelled", null), (notRun["state"]!.GetValue<string>(), notRun["startedAt"]?.GetValue<DateTimeOffset>()));
        Assert.Contains("has already ended (cancelled)", (await Verb(1, "cancel-job", $"{running}")).Stderr);
        Assert.Contains("There is no job 999999", (await Verb(1, "cancel-job", "999999")).Stderr);
        Assert.Contains("0 missing, 0 orphaned", (await Verb(0, "check-tree")).Stdout);
        Assert.Empty(JsonNode.Parse(await _server.Http.GetStringAsync(new Uri("/crash/mako/index.json", UriKind.Relative)))!["images"]!.AsArray());
    }

    /// <summary>An automatic channel "crash" with device mako, whose rootfs comes from the local HTTP server.</summary>
    private async Task ConfigureAsync(string? schedule)
    {
        var ini = Path.Combine(_server.DataDir, "crash.ini");
        await File.WriteAllTextAsync(ini, $"""
            [global]
            channels = crash
            [channel_crash]
            type = auto
            files = ubuntu, version
            file_ubuntu = http;{_source.Url(Rootfs)};name=ubuntu
            file_version = version
            {(schedule is null ? "" : $"schedule = {schedule}")}
            """);
        await Verb(0, "import-config", ini);
        await Verb(0, "create-device", "crash", "mako");
    }

    /// <summary>From now on the source answers at once with a small rootfs.</summary>
    private void ServeTheRootfs() => _source.Set(Rootfs, TarXz.Create(("etc/hostname", "crash\n")));

    /// <summary>An API client with a new admin token (made by the verb, before the server starts or while it runs).</summary>
    private async Task<HttpClient> AdminClientAsync()
    {
        return _server.TokenClient(await _server.CreateTokenAsync("lease-tests", "admin"), TimeSpan.FromSeconds(60));
    }

    /// <summary>Another client with the same token, for a restarted server.</summary>
    private static HttpClient ApiClient(HttpClient api)
    {
        var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = api.DefaultRequestHeaders.Authorization;
        return client;
    }

    private async Task<JsonNode> JsonAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(new Uri(_server.BaseAddress, path));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<string> StateAsync(HttpClient api, int id) => (await JsonAsync(api, $"/api/v1/jobs/{id}"))["state"]!.GetValue<string>();

    /// <summary>Queues "import now" of the channel through the API; returns the job.</summary>
    private async Task<int> ImportNowAsync(HttpClient api)
    {
        using var response = await api.PostAsync(new Uri(_server.BaseAddress, "/api/v1/channels/crash/import"), null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["jobId"]!.GetValue<int>();
    }

    /// <summary>Waits until a job of the channel runs; returns it.</summary>
    private async Task<int> RunningJobAsync(HttpClient api)
    {
        JsonNode? found = null;
        Assert.True(await InProcessServer.EventuallyAsync(async () =>
            (found = (await JsonAsync(api, "/api/v1/jobs?channel=crash")).AsArray().FirstOrDefault(j => j!["state"]!.GetValue<string>() == "running")) is not null, 90), _server.Log);
        return found!["id"]!.GetValue<int>();
    }

    private async Task<JsonNode> RunAsync(int id) => (await _server.JobsByVerbAsync()).Single(r => r["id"]!.GetValue<int>() == id);

    private static string State(JsonNode run) => run["state"]!.GetValue<string>();

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await _server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
