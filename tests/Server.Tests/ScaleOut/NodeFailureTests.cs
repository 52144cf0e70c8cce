using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SystemImage.TestUtilities;
using SystemImage.TestUtilities.CdImage;
using Xunit;

namespace SystemImage.Server.Tests.ScaleOut;

/// <summary>
/// Two real server nodes on one PostgreSQL database and one data folder, as jobs meet them: a schedule's tick runs
/// once whichever nodes are up, and a node killed (SIGKILL) in the middle of an import hands the publish lock and the
/// run to the other, which fails the run as interrupted, goes on changing the tree and imports again cleanly.
/// </summary>
public sealed class NodeFailureTests : IAsyncLifetime
{
    private readonly ServerProcess _first = ServerProcess.OnPostgreSql();
    private ServerProcess? _second;

    public Task InitializeAsync()
    {
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["SystemImage__Jobs__ScheduleSyncSeconds"] = "1",
            ["SystemImage__Jobs__SchedulePollingIntervalSeconds"] = "1",
            ["SystemImage__Jobs__QueuePollIntervalSeconds"] = "0.2",
            // A killed node's run is failed once its lease has passed: long enough to see the run as the kill left it.
            ["SystemImage__Import__RunLeaseSeconds"] = "15",
            ["SystemImage__Import__RunHeartbeatSeconds"] = "1",
        })
        {
            _first.Environment[key] = value;
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        await _first.DisposeAsync();
    }

    /// <summary>Starts the first node and a second one on its data folder, database and settings.</summary>
    private async Task<ServerProcess> StartNodesAsync()
    {
        _second = _first.AnotherNode();
        await Task.WhenAll(_first.StartAsync(), _second.StartAsync());
        return _second;
    }

    [Fact]
    public async Task AScheduledImportRunsOncePerTickWithTwoNodesUp()
    {
        var cdimage = new CdImageTreeBuilder(seed: 41).WithRootfs(20, 64 << 10).Build(Path.Combine(_first.DataDir, "cdimage")).AddBuild("20261206");
        await ConfigureAsync("ticking", cdimage.Root, "schedule = */2 * * * * *");
        var second = await StartNodesAsync();
        using var api = _first.TokenClient(await _first.CreateTokenAsync("nodes", "viewer"));

        Assert.True(await InProcessServer.EventuallyAsync(async () => Scheduled(await ServerProcess.JobsAsync(api)).Count >= 4, 90), _first.Log + second.Log);
        await Verb(0, "pause-import", "ticking");

        var ticks = Scheduled(await ServerProcess.JobsAsync(api)).Select(r => r["queuedAt"]!.GetValue<DateTimeOffset>()).Order().ToList();
        for (var i = 1; i < ticks.Count; i++)
        {
            Assert.True(ticks[i] - ticks[i - 1] >= TimeSpan.FromSeconds(0.5), $"two scheduled runs for one tick: {string.Join(", ", ticks.Select(t => t.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))}");
        }

        Assert.Contains("\"version\": 1", await _first.Http.GetStringAsync(new Uri("/ticking/mako/index.json", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANodeKilledWhileImportingLeavesTheLockAndTheRunToTheOther()
    {
        // Slow compression, so the kill lands while the import holds the publish lock.
        _first.Environment["SystemImage__Xz__Preset"] = "9";
        _first.Environment["SystemImage__Xz__Threads"] = "1";
        var cdimage = new CdImageTreeBuilder(seed: 43).WithRootfs(1000, 12 << 20).Build(Path.Combine(_first.DataDir, "cdimage")).AddBuild("20261206");
        await ConfigureAsync("crash", cdimage.Root, "");
        var second = await StartNodesAsync();
        var secret = await _first.CreateTokenAsync("nodes", "admin");

        using (var api = _first.TokenClient(secret))
        using (var queued = await api.PostAsync(new Uri("/api/v1/channels/crash/import", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        }

        JsonNode? running = null;
        using (var api = _first.TokenClient(secret))
        {
            Assert.True(await InProcessServer.EventuallyAsync(async () => (running = (await ServerProcess.JobsAsync(api)).FirstOrDefault(r => r["state"]!.GetValue<string>() == "running")) is not null, 90), _first.Log + second.Log);
        }

        await Task.Delay(1500);
        // The API does not name the process running a job; the verb does.
        var runnerName = (await _first.JobsByVerbAsync()).Single(r => r["id"]!.GetValue<int>() == running!["id"]!.GetValue<int>())["runner"]!.GetValue<string>();
        var runner = int.Parse(runnerName.Split(':')[^1], CultureInfo.InvariantCulture);
        var (killed, survivor) = runner == _first.ProcessId ? (_first, second) : (second, _first);
        Assert.Equal(runner, killed.ProcessId);
        await killed.KillAsync();

        // The killed node's session ended with it, and its advisory lock: the survivor changes the tree at once.
        using var survivorApi = survivor.TokenClient(secret);
        using var created = await survivorApi.PostAsJsonAsync(new Uri("/api/v1/channels", UriKind.Relative), new { name = "after-the-kill" }).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(await InProcessServer.EventuallyAsync(async () => (await ServerProcess.JobsAsync(survivorApi)).Single(r => r["id"]!.GetValue<int>() == running!["id"]!.GetValue<int>())["state"]!.GetValue<string>() == "failed", 90), survivor.Log);

        using var again = await survivorApi.PostAsync(new Uri("/api/v1/channels/crash/import?wait=true", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("succeeded", (await again.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>());
        var check = await survivor.RunVerbAsync("check-tree", "--verify");
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        Assert.Contains("0 missing, 0 orphaned", check.Stdout, StringComparison.Ordinal);
    }

    private async Task ConfigureAsync(string channel, string cdimageRoot, string schedule)
    {
        var ini = Path.Combine(_first.DataDir, $"{channel}.ini");
        await File.WriteAllTextAsync(ini, $"""
            [global]
            channels = {channel}
            [channel_{channel}]
            type = auto
            files = ubuntu, version
            file_ubuntu = cdimage-ubuntu;{cdimageRoot};vivid
            file_version = version
            {schedule}
            """);
        await Verb(0, "import-config", ini);
        await Verb(0, "create-device", channel, "mako");
    }

    private static List<JsonNode> Scheduled(List<JsonNode> runs) => [.. runs.Where(r => r["trigger"]!.GetValue<string>() == "schedule")];

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await _first.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
