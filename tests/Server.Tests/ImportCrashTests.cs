using System.Text.Json.Nodes;
using SystemImage.TestUtilities.CdImage;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>A server killed in the middle of a scheduled import leaves a tree that check-tree reports clean after restart.</summary>
public sealed class ImportCrashTests : IAsyncLifetime
{
    private readonly ServerProcess _server = new()
    {
        Environment =
        {
            ["SystemImage__Jobs__ScheduleSyncSeconds"] = "1",
            ["SystemImage__Jobs__SchedulePollingIntervalSeconds"] = "1",
            ["SystemImage__Jobs__QueuePollIntervalSeconds"] = "0.2",

            // The restarted server fails the killed run once its lease has passed: long enough for the test to see the
            // run as the kill left it, short enough not to wait a minute.
            ["SystemImage__Import__RunLeaseSeconds"] = "15",
            ["SystemImage__Import__RunHeartbeatSeconds"] = "1",

            // Slow compression, so the kill lands while the import is working.
            ["SystemImage__Xz__Preset"] = "9",
            ["SystemImage__Xz__Threads"] = "1",
        },
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AJobKilledMidwayLeavesACleanTreeAfterRestart()
    {
        var cdimage = new CdImageTreeBuilder(seed: 99).WithRootfs(2000, 24 << 20).Build(Path.Combine(_server.DataDir, "cdimage")).AddBuild("20261126");
        var ini = Path.Combine(_server.DataDir, "crash.ini");
        await File.WriteAllTextAsync(ini, $"""
            [global]
            channels = crash
            [channel_crash]
            type = auto
            files = ubuntu, version
            file_ubuntu = cdimage-ubuntu;{cdimage.Root};vivid
            file_version = version
            schedule = * * * * * *
            """);
        await Verb(0, "import-config", ini);
        await Verb(0, "create-device", "crash", "mako");
        using var api = _server.TokenClient(await _server.CreateTokenAsync("crash", "viewer"));

        await _server.StartAsync();
        Assert.True(await InProcessServer.EventuallyAsync(async () => (await ServerProcess.JobsAsync(api)).Any(r => r["state"]!.GetValue<string>() == "running"), 90), _server.Log);
        await Task.Delay(1500);
        await _server.KillAsync();
        Assert.NotEmpty(Directory.EnumerateDirectories(Path.Combine(_server.DataDir, "state", "work"), "import-*"));

        // Any verb clears the dead job's work area.
        Assert.Contains((await _server.JobsByVerbAsync()), r => r["state"]!.GetValue<string>() == "running");
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(_server.DataDir, "state", "work"), "import-*"));

        await Verb(0, "pause-import", "crash");
        await _server.StartAsync();

        Assert.True(await InProcessServer.EventuallyAsync(async () => (await ServerProcess.JobsAsync(api)).All(r => r["state"]!.GetValue<string>() != "running"), 90), _server.Log);
        Assert.Contains("Interrupted", (await Verb(0, "list-imports")).Stdout);
        Assert.Contains("0 missing, 0 orphaned", (await Verb(0, "check-tree")).Stdout);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(_server.DataDir, "state", "work")));
    }

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await _server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
