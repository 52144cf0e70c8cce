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
        await Verb(0, "create-channel", "phased");
        var build = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, "rootfs-phased.tar.gz"), 1);
        foreach (var device in new[] { "flo", "grouper", "mako" })
        {
            await Verb(0, "create-device", "phased", device);
            await Verb(0, "publish-image", "phased", device, $"ubuntu={build}");
        }

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

    private async Task<int?> PercentageAsync(string device)
    {
        var index = JsonNode.Parse(await server.Http.GetStringAsync(new Uri($"/phased/{device}/index.json", UriKind.Relative)))!;
        return index["images"]![0]!["phased-percentage"]?.GetValue<int>();
    }

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
