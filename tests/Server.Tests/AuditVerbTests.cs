using System.Text.Json.Nodes;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>The <c>audit</c> verb: the same server-side search as the API, with paging, text and JSON output and usage errors.</summary>
public sealed class AuditVerbTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    [Fact]
    public async Task ListsSearchesAndPagesTheAuditLog()
    {
        await Verb(0, "create-channel", "ubuntu/verbs");
        await Verb(0, "create-device", "ubuntu/verbs", "mako");
        await Verb(0, "create-device", "ubuntu/verbs", "flo");
        await Verb(0, "hide-channel", "ubuntu/verbs");

        var mako = await Verb(0, "audit", "--channel", "ubuntu/verbs", "--device", "mako");
        var page = JsonNode.Parse((await Verb(0, "audit", "--channel", "ubuntu/verbs", "--limit", "2", "--json")).Stdout)!;
        var next = page["next"]!.GetValue<long>();
        var rest = JsonNode.Parse((await Verb(0, "audit", "--channel", "ubuntu/verbs", "--before", next.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json")).Stdout)!;
        var searched = await Verb(0, "audit", "-s", "VISIBLE hidden");

        Assert.Matches(@"^\s*\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ \(cli\) create-device ubuntu/verbs/mako: \S", mako.Stdout);
        Assert.EndsWith("1 entries\n", mako.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(["hide-channel", "create-device"], page["entries"]!.AsArray().Select(e => e!["action"]!.GetValue<string>()));
        Assert.Equal(["create-device", "create-channel"], rest["entries"]!.AsArray().Select(e => e!["action"]!.GetValue<string>()));
        Assert.Null(rest["next"]);
        Assert.Contains("hide-channel ubuntu/verbs: visible → hidden", searched.Stdout, StringComparison.Ordinal);
        Assert.Contains("'limit' must be between 1 and 1000, not 0", (await Verb(2, "audit", "--limit", "0")).Stderr, StringComparison.Ordinal);
        Assert.Contains("--since must be a date", (await Verb(2, "audit", "--since", "yesterday")).Stderr, StringComparison.Ordinal);
    }

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
