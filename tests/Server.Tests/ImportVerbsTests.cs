using System.Text.Json.Nodes;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>The importer verbs against the real executable: configuration, pause/resume, a foreground import, the run list.</summary>
public sealed class ImportVerbsTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    [Fact]
    public async Task ConfigureShowPauseImportAndList()
    {
        var ini = Path.Combine(server.DataDir, "config.ini");
        await File.WriteAllTextAsync(ini, """
            [global]
            channels = rc, rc-proposed
            [channel_rc-proposed]
            type = auto
            fullcount = 4
            deltabase = rc, rc-proposed
            files = version
            file_version = version
            schedule = 0 */6 * * *
            """);

        Assert.Contains("Created rc, rc-proposed", (await Verb(0, "import-config", ini)).Stdout);
        var shown = (await Verb(0, "show-importer", "rc-proposed")).Stdout;
        Assert.Contains("rc-proposed: auto", shown);
        Assert.Contains("file_version = version", shown);
        Assert.Contains("next runs (UTC)", shown);
        var json = JsonNode.Parse((await Verb(0, "show-importer", "rc-proposed", "--json")).Stdout)!;
        Assert.Equal(4, json["fullCount"]!.GetValue<int>());

        Assert.Contains("Paused imports of rc-proposed", (await Verb(0, "pause-import", "rc-proposed")).Stdout);
        Assert.Contains("paused; resume them first", (await Verb(1, "import-images", "--channel", "rc-proposed")).Stderr);
        Assert.Contains("No automatic channel to import", (await Verb(0, "import-images")).Stdout);
        Assert.Contains("Resumed", (await Verb(0, "resume-import", "rc-proposed")).Stdout);
        Assert.Contains("Nothing new for rc-proposed", (await Verb(0, "import-images")).Stdout);
        Assert.Contains("not an automatic channel", (await Verb(1, "pause-import", "rc")).Stderr);

        var runs = (await Verb(0, "list-imports", "--channel", "rc-proposed")).Stdout;
        Assert.Contains("rc-proposed nothingnew (cli", runs);
        Assert.Contains("rc-proposed failed (cli", runs);

        var bad = Path.Combine(server.DataDir, "bad.ini");
        await File.WriteAllTextAsync(bad, "[global]\nchannels = x\n[channel_x]\ntype = auto\nfiles = a\nfile_a = cdimage-nothing;/srv\n");
        Assert.Contains("unknown generator 'cdimage-nothing'", (await Verb(1, "import-config", bad)).Stderr);
        Assert.Contains("does not exist", (await Verb(1, "show-importer", "x")).Stderr);
    }

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
