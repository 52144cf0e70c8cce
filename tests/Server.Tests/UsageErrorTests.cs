using System.Text.Json.Nodes;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// What a newcomer's mistakes on the command line print: the real error first and alone, the missing argument by
/// name, the verb a typo meant, one usage line; and the words of <c>--json</c> listings, which the API uses too.
/// </summary>
public sealed class UsageErrorTests : IAsyncLifetime
{
    private readonly ServerProcess _data = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _data.DisposeAsync();

    [Theory]
    [InlineData("usage error: 'frobnicate' is not a verb.\nRun 'systemimage --help' for the list of verbs.", "frobnicate")]
    [InlineData("usage error: 'list-image' is not a verb; did you mean 'list-images'?\nRun 'systemimage --help' for the list of verbs.", "list-image", "stable", "mako")]
    [InlineData("usage error: list-images needs DEVICE.\nUsage: systemimage list-images CHANNEL DEVICE [options]\nRun 'systemimage list-images --help' for more.", "list-images", "stable")]
    [InlineData("usage error: list-images needs CHANNEL and DEVICE.\nUsage: systemimage list-images CHANNEL DEVICE [options]\nRun 'systemimage list-images --help' for more.", "list-images")]
    [InlineData("usage error: 'tokens' needs a verb: create, list, revoke.\nUsage: systemimage tokens create|list|revoke ...\nRun 'systemimage tokens --help' for more.", "tokens")]
    [InlineData("usage error: 'frob' is not a verb of 'tokens'; its verbs are create, list, revoke.\nUsage: systemimage tokens create|list|revoke ...\nRun 'systemimage tokens --help' for more.", "tokens", "frob")]
    [InlineData("usage error: VERSION must be a whole number, not 'x'.\nUsage: systemimage set-phased-percentage CHANNEL DEVICE VERSION PERCENT\nRun 'systemimage set-phased-percentage --help' for more.", "set-phased-percentage", "stable", "mako", "x", "5")]
    [InlineData("usage error: -r must be a whole number, not 'x'.\nUsage: systemimage copy-image SOURCE DEST DEVICE [options]\nRun 'systemimage copy-image --help' for more.", "copy-image", "devel", "stable", "mako", "-r", "x")]
    [InlineData("usage error: publish-image needs PART=FILE.\nUsage: systemimage publish-image CHANNEL DEVICE PART=FILE... [options]\nRun 'systemimage publish-image --help' for more.", "publish-image", "stable", "mako")]
    public async Task AMistakeGetsItsOwnMessageAndOneUsageLine(string expected, params string[] args)
    {
        var result = await _data.RunVerbAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(expected, result.Stderr.TrimEnd('\n'));
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task JsonListingsNameChannelTypesAndRolesInWordsAsTheApiDoes()
    {
        Assert.Equal(0, (await _data.RunVerbAsync("create-channel", "stable")).ExitCode);
        Assert.Equal(0, (await _data.RunVerbAsync("tokens", "create", "ci", "--role", "publisher")).ExitCode);

        var channels = JsonNode.Parse((await _data.RunVerbAsync("list-channels", "--json")).Stdout)!.AsArray();
        var tokens = JsonNode.Parse((await _data.RunVerbAsync("tokens", "list", "--json")).Stdout)!.AsArray();

        Assert.Equal("manual", Assert.Single(channels)!["type"]!.GetValue<string>());
        Assert.Equal("publisher", Assert.Single(tokens)!["role"]!.GetValue<string>());
    }
}
