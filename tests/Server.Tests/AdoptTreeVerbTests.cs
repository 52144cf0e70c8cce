using System.Text.Json.Nodes;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>adopt-tree as an operator runs it on a copy of the installation the classic server made.</summary>
public sealed class AdoptTreeVerbTests : IAsyncLifetime
{
    private readonly ServerProcess _server = new();
    private readonly ClassicFixture _classic = ClassicFixture.Create();

    [Fact]
    public async Task DryRunThenAdoptThenACleanVerifiedTreeAndASecondAdoptionIsRefused()
    {
        var dryRun = await _server.RunVerbAsync("adopt-tree", _classic.Path, "--dry-run", "--json");
        Assert.True(dryRun.ExitCode == 0, dryRun.Stderr);
        var plan = JsonNode.Parse(dryRun.Stdout)!;
        Assert.Equal((1, 2, 6), (plan["channels"]!.AsArray().Count, plan["devices"]!.GetValue<int>(), plan["images"]!.GetValue<int>()));
        Assert.Contains("Would adopt", plan["outcome"]!.GetValue<string>());

        var adopted = await _server.RunVerbAsync("adopt-tree", _classic.Path);
        Assert.True(adopted.ExitCode == 0, adopted.Stderr);
        Assert.Contains("Adopted 1 channel(s) (testing), 2 device(s), 6 image(s)", adopted.Stdout);
        Assert.Contains("checking: 100%", adopted.Stderr);

        var check = await _server.RunVerbAsync("check-tree", "--verify");
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        Assert.Contains("0 missing, 0 orphaned, 0 foreign, 0 bad signature(s)", check.Stdout);

        var again = await _server.RunVerbAsync("adopt-tree", _classic.Path);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("error: Nothing was adopted: 1 problem(s): this server already has 1 channel(s) (testing)", again.Stderr);

        var missing = await _server.RunVerbAsync("adopt-tree", Path.Combine(_classic.Path, "nowhere"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("is not a directory", missing.Stderr);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _classic.Dispose();
    }
}
