using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests.ScaleOut;

/// <summary>
/// Two real server processes on one PostgreSQL database and one data folder, hammered through the API of both at once
/// (and a verb beside them): every change lands, no two publishes ever hold the tree at once (each node logs its holds
/// of the publish lock), both nodes serve the same tree, and check-tree finds it matching the database and signed.
/// </summary>
public sealed partial class TwoNodesTests : IAsyncLifetime
{
    private const int Channels = 8;
    private readonly ServerProcess _first = ServerProcess.OnPostgreSql();
    private ServerProcess _second = null!;

    public async Task InitializeAsync()
    {
        _first.Environment["Logging__LogLevel__SystemImage.Core.Publishing.PublishLock"] = "Debug";
        _second = _first.AnotherNode();
        await _first.StartAsync();
        await _second.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    private static MultipartFormDataContent Upload(string build)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(File.ReadAllBytes(build));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "ubuntu", "rootfs.tar.gz");
        return form;
    }

    /// <summary>One release manager's work on channel <paramref name="name"/> through <paramref name="api"/>: create it, add a device, upload two builds, phase.</summary>
    private async Task WorkOnAsync(HttpClient api, string name, int index)
    {
        await ExpectAsync(api.PostAsJsonAsync("/api/v1/channels", new { name }), HttpStatusCode.Created, name);
        await ExpectAsync(api.PostAsJsonAsync($"/api/v1/channels/{name}/devices", new { name = "mako" }), HttpStatusCode.Created, name);
        await ExpectAsync(api.PostAsJsonAsync($"/api/v1/channels/{name}/devices", new { name = "flo" }), HttpStatusCode.Created, name);
        foreach (var build in new[] { 1, 2 })
        {
            var file = SimpleTarball.WriteBuild(Path.Combine(_first.DataDir, $"upload-{name}-{build}.tar.gz"), (index * 10) + build);
            await ExpectAsync(api.PostAsync($"/api/v1/channels/{name}/devices/mako/images", Upload(file)), HttpStatusCode.Created, name);
        }

        await ExpectAsync(api.PutAsJsonAsync($"/api/v1/channels/{name}/phased-percentage", new { percentage = 40 + index }), HttpStatusCode.OK, name);
    }

    private static async Task ExpectAsync(Task<HttpResponseMessage> call, HttpStatusCode expected, string what)
    {
        using var response = await call;
        Assert.True(response.StatusCode == expected, $"{what}: {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task ChangesThroughBothNodesAllLandPublishOneAtATimeAndBothServeTheSameTree()
    {
        var secret = await _first.CreateTokenAsync("two-nodes", "admin");
        using var first = _first.TokenClient(secret, TimeSpan.FromSeconds(120));
        using var second = _second.TokenClient(secret, TimeSpan.FromSeconds(120));

        var work = Enumerable.Range(0, Channels).Select(i => WorkOnAsync(i % 2 == 0 ? first : second, $"c{i}", i)).ToList();
        var verb = _first.RunVerbAsync("create-channel", "from-a-verb");
        await Task.WhenAll(work);
        Assert.Equal(0, (await verb).ExitCode);

        var channels = await first.GetStringAsync("/channels.json");
        Assert.Equal(channels, await second.GetStringAsync("/channels.json"));
        for (var i = 0; i < Channels; i++)
        {
            Assert.Contains($"\"c{i}\"", channels, StringComparison.Ordinal);
            var index = await first.GetStringAsync($"/c{i}/mako/index.json");
            Assert.Equal(index, await second.GetStringAsync($"/c{i}/mako/index.json"));
            Assert.Contains("\"version\": 2", index, StringComparison.Ordinal);
            Assert.Contains($"\"phased-percentage\": {40 + i}", index, StringComparison.Ordinal);
        }

        Assert.Contains("\"from-a-verb\"", channels, StringComparison.Ordinal);
        var check = await _second.RunVerbAsync("check-tree", "--verify");
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);

        var holds = Holds(_first.Log).Concat(Holds(_second.Log)).OrderBy(h => h.From).ToList();
        Assert.Contains(holds, h => h.Process == _first.ProcessId);
        Assert.Contains(holds, h => h.Process == _second.ProcessId);
        for (var i = 1; i < holds.Count; i++)
        {
            Assert.True(holds[i - 1].Until <= holds[i].From, $"publish lock held by {holds[i - 1]} and {holds[i]} at once");
        }
    }

    /// <summary>The publish lock's holds a node logged: process, acquired, released.</summary>
    private static List<(int Process, DateTimeOffset From, DateTimeOffset Until)> Holds(string log)
    {
        var holds = new List<(int, DateTimeOffset, DateTimeOffset)>();
        var open = new Dictionary<int, DateTimeOffset>();
        foreach (Match match in LockLine().Matches(log))
        {
            var process = int.Parse(match.Groups["process"].Value, CultureInfo.InvariantCulture);
            var at = DateTimeOffset.Parse(match.Groups["at"].Value, CultureInfo.InvariantCulture);
            if (match.Groups["what"].Value == "acquired")
            {
                Assert.False(open.ContainsKey(process), $"process {process} acquired the publish lock twice without releasing it");
                open[process] = at;
            }
            else
            {
                Assert.True(open.Remove(process, out var from), $"process {process} released a publish lock it did not hold");
                holds.Add((process, from, at));
            }
        }

        return holds;
    }

    [GeneratedRegex(@"Publish lock (?<what>acquired|released) by process (?<process>[0-9]+) at (?<at>\S+)")]
    private static partial Regex LockLine();
}
