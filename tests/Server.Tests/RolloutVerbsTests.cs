using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>The channel-wide phasing verbs against a running server: output, exit codes, and what devices then see.</summary>
public sealed class RolloutVerbsTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    [Fact]
    public async Task PhaseChannelPreviewsThenPhasesEveryDeviceOrTheOnesNamed()
    {
        await SetUpAsync("phased", 1);

        var preview = await Verb(0, "phase-channel", "phased", "20", "--dry-run");
        Assert.Contains("Would phase 3 of 3 device(s) of phased at 20%", preview.Stdout);
        Assert.Contains("  mako: version 1: 100% → 20%", preview.Stdout);
        Assert.Null(await PercentageAsync("mako"));

        Assert.Contains("Phased 3 of 3 device(s)", (await Verb(0, "phase-channel", "phased", "20")).Stdout);
        Assert.Contains("Would phase 2 of 2 device(s) of phased at 100%", (await Verb(0, "phase-channel", "phased", "100", "--devices", "mako,flo", "--dry-run")).Stdout);
        Assert.Contains("Phased 2 of 2 device(s)", (await Verb(0, "phase-channel", "phased", "100", "--devices", "mako,flo")).Stdout);
        Assert.Equal((null, 20, null), (await PercentageAsync("flo"), await PercentageAsync("grouper"), await PercentageAsync("mako")));

        Assert.Contains("no device 'nodevice'", (await Verb(1, "phase-channel", "phased", "50", "--devices", "nodevice")).Stderr);
        Assert.Contains("0–100", (await Verb(1, "phase-channel", "phased", "101")).Stderr);
        Assert.Contains("'nowhere' does not exist", (await Verb(1, "phase-channel", "nowhere", "50")).Stderr);
    }

    [Fact]
    public async Task RolloutVerbsStartShowPauseResumeAndHaltARamp()
    {
        await SetUpAsync("ramped", 1);

        var started = await Verb(0, "rollout", "ramped", "--steps", "10@now,50@+24h,100@+72h", "--window", "Mon-Sun 00-24", "--devices", "flo,mako");
        Assert.Contains("Started a rollout of ramped: steps 10@now,50@+1d,100@+3d in Mon-Sun 00-24 on flo 1, mako 1", started.Stdout);
        Assert.Contains(" 10% at ", started.Stdout);
        Assert.Equal((10, null, 10), (await PercentageAsync("flo", "ramped"), await PercentageAsync("grouper", "ramped"), await PercentageAsync("mako", "ramped")));
        Assert.Contains("halt it first", (await Verb(1, "rollout", "ramped", "--steps", "20@now")).Stderr);
        Assert.Contains("is not 'now'", (await Verb(1, "rollout", "ramped", "--steps", "20@later")).Stderr);

        var status = JsonNode.Parse((await Verb(0, "rollout-status", "ramped", "--json")).Stdout)!;
        Assert.Equal(["done", "next", "waiting"], status["steps"]!.AsArray().Select(s => s!["status"]!.GetValue<string>()));
        Assert.Contains("is paused", (await Verb(0, "pause-rollout", "ramped")).Stdout);
        Assert.Contains("paused, not active", (await Verb(1, "pause-rollout", "ramped")).Stderr);
        Assert.Contains("is active", (await Verb(0, "resume-rollout", "ramped")).Stdout);
        Assert.Contains("Give the reason", (await Verb(1, "halt-rollout", "ramped", "--reason", " ")).Stderr);
        var halted = await Verb(0, "halt-rollout", "ramped", "--reason", "battery drain");
        Assert.Contains("Halted the rollout of ramped: flo, mako at 0% (battery drain)", halted.Stdout);
        Assert.Equal((0, null, 0), (await PercentageAsync("flo", "ramped"), await PercentageAsync("grouper", "ramped"), await PercentageAsync("mako", "ramped")));
        Assert.Contains("rollout of ramped: halted (battery drain)", (await Verb(0, "rollout-status", "ramped")).Stdout);
        Assert.Contains("'nowhere' does not exist", (await Verb(1, "rollout-status", "nowhere")).Stderr);
    }

    [Fact]
    public async Task RevertChannelPreviewsThenRevertsEveryDeviceToItsPreviousGoodBuild()
    {
        await SetUpAsync("reverted", 1, 2);

        var preview = await Verb(0, "revert-channel", "reverted", "--dry-run");
        Assert.Contains("Would revert 3 of 3 device(s) of reverted", preview.Stdout);
        Assert.Contains("  mako: good version 1 again as version 3 over bad version 2", preview.Stdout);

        Assert.Contains("Reverted 3 of 3 device(s) of reverted", (await Verb(0, "revert-channel", "reverted")).Stdout);
        var index = JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/reverted/grouper/index.json", UriKind.Relative)))!;
        var fulls = index["images"]!.AsArray().Where(i => i!["type"]!.GetValue<string>() == "full").ToDictionary(i => i!["version"]!.GetValue<int>(), i => i!["files"]![0]!["path"]!.GetValue<string>());
        Assert.Equal(fulls[1], fulls[3]);
        Assert.Contains("Would revert 0 of 3", (await Verb(0, "revert-channel", "reverted", "--dry-run")).Stdout);
        Assert.Contains("'nowhere' does not exist", (await Verb(1, "revert-channel", "nowhere")).Stderr);
    }

    [Fact]
    [Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]
    public async Task AStepThatCameDueWhileTheServerWasDownRunsWhenItStarts()
    {
        await Verb(0, "create-channel", "restarted");
        await Verb(0, "create-device", "restarted", "mako");
        await Verb(0, "publish-image", "restarted", "mako", $"ubuntu={SimpleTarball.WriteBuild(Path.Combine(server.DataDir, "rootfs-restarted.tar.gz"), 1)}");
        await server.KillAsync();
        await Verb(0, "rollout", "restarted", "--steps", "10@now,60@+1m");
        Assert.Contains("60% at", (await Verb(0, "rollout-status", "restarted")).Stdout);

        // The 60% step comes due while the server is down (moved ten minutes back: DueAt holds (ticks / 1000) << 11).
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.DataDir, "systemimage.db")}"))
        {
            await db.OpenAsync();
            await using var command = db.CreateCommand();
            command.CommandText = "UPDATE RolloutStep SET DueAt = DueAt - 12288000000 WHERE Percentage = 60";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await server.StartAsync();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await PercentageAsync("mako", "restarted") != 60 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(60, await PercentageAsync("mako", "restarted"));
        Assert.Contains("completed", (await Verb(0, "rollout-status", "restarted")).Stdout);
    }

    /// <summary>
    /// Channel <paramref name="channel"/> with the devices flo, grouper and mako, each given <paramref name="builds"/> in
    /// order, set up through the REST API: the subject is the verbs that follow, and a process per setup step would cost
    /// the suite a minute.
    /// </summary>
    private async Task SetUpAsync(string channel, params int[] builds)
    {
        using var api = server.TokenClient(await server.CreateTokenAsync($"setup-{channel}", "admin"));
        await ExpectCreatedAsync(api.PostAsJsonAsync(new Uri("/api/v1/channels", UriKind.Relative), new { name = channel }));
        foreach (var device in new[] { "flo", "grouper", "mako" })
        {
            await ExpectCreatedAsync(api.PostAsJsonAsync(new Uri($"/api/v1/channels/{channel}/devices", UriKind.Relative), new { name = device }));
            foreach (var build in builds)
            {
                using var form = new MultipartFormDataContent();
                var file = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, $"rootfs-{channel}-{build}.tar.gz"), build);
                form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(file)), "ubuntu", "rootfs.tar.gz");
                await ExpectCreatedAsync(api.PostAsync(new Uri($"/api/v1/channels/{channel}/devices/{device}/images", UriKind.Relative), form));
            }
        }
    }

    private static async Task ExpectCreatedAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<int?> PercentageAsync(string device, string channel = "phased")
    {
        var index = JsonNode.Parse(await server.Http.GetStringAsync(new Uri($"/{channel}/{device}/index.json", UriKind.Relative)))!;
        return index["images"]![0]!["phased-percentage"]?.GetValue<int>();
    }

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
