using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Xunit;
using Xunit.Abstractions;

namespace SystemImage.Server.Tests;

/// <summary>
/// A long publish (a delta over tens of MB of changed data, made by a verb beside the server) holds the publish lock
/// but never SQLite's write lock while it works, so everything else that writes the database stays quick: API calls
/// (each records its token's last use), job polling, queueing an import, signing in.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class WritersUnderLoadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int ChangedMegabytes = 16;
    private readonly ServerProcess _server = new();

    public Task InitializeAsync()
    {
        // The publish compresses on one core, so the server keeps the other (the machine has two).
        _server.Environment["SystemImage__Xz__Threads"] = "1";
        // One user signs in from one address dozens of times a minute here; the limits against guessing would refuse it.
        _server.Environment["SystemImage__SignIn__RateLimit__PermitsPerClientPerMinute"] = "100000";
        _server.Environment["SystemImage__SignIn__RateLimit__PermitsPerUserPerMinute"] = "100000";
        return _server.StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EveryCallDuringALongPublishSucceedsInUnderASecond()
    {
        await VerbAsync("create-channel", "stable");
        await VerbAsync("create-device", "stable", "mako");
        await VerbAsync("create-channel", "nightly");
        var token = await _server.CreateTokenAsync("load", "admin");
        var password = (await VerbAsync("users", "add", "rm", "--role", "viewer")).Stdout.Trim().Split('\n')[^1].Trim();
        using var api = _server.TokenClient(token, TimeSpan.FromSeconds(60));
        var emptyCdImage = Directory.CreateDirectory(Path.Combine(_server.DataDir, "cdimage")).FullName;
        Assert.True((await api.PutAsJsonAsync(new Uri("/api/v1/channels/nightly/config", UriKind.Relative), new
        {
            type = "auto",
            files = new object[] { new { name = "ubuntu", generator = "cdimage-ubuntu", arguments = new[] { emptyCdImage, "vivid" } } },
        })).IsSuccessStatusCode);
        await VerbAsync("publish-image", "stable", "mako", $"ubuntu={await RootfsAsync(1)}");
        var second = await RootfsAsync(2);

        (string, Func<Task<Func<Task<HttpResponseMessage>>>>) Call(int n) => (n % 4) switch
        {
            0 => ("list channels", Ready(() => api.GetAsync(new Uri("/api/v1/channels", UriKind.Relative)))),
            1 => ("poll jobs", Ready(() => api.GetAsync(new Uri("/api/v1/jobs", UriKind.Relative)))),
            2 => ("import now", Ready(() => api.PostAsync(new Uri("/api/v1/channels/nightly/import", UriKind.Relative), null))),
            _ => ("sign in", () => SignInAsync(password)),
        };
        for (var n = 0; n < 4; n++)
        {
            await TimedAsync(Call(n));
        }

        var clock = Stopwatch.StartNew();
        var publish = _server.RunVerbAsync("publish-image", "stable", "mako", $"ubuntu={second}");
        var calls = new List<(string Call, HttpStatusCode Status, TimeSpan Took)>();
        var callers = Enumerable.Range(0, 4).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; !publish.IsCompleted; i++)
            {
                var call = await TimedAsync(Call(caller + i));
                lock (calls)
                {
                    calls.Add(call);
                }

                await Task.Delay(50);
            }
        })).ToList();
        var published = await publish;
        await Task.WhenAll(callers);

        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.True(calls.Count >= 100, $"only {calls.Count} calls during a publish of {clock.Elapsed.TotalSeconds:F0} s");
        Assert.All(calls, c => Assert.True(c.Status is HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.Redirect, $"{c.Call}: {c.Status}"));
        var spread = string.Join("; ", calls.GroupBy(c => c.Call).Select(g =>
        {
            var took = g.Select(c => c.Took.TotalMilliseconds).Order().ToList();
            return $"{g.Key}: {took.Count} calls, median {took[took.Count / 2]:F0} ms, p99 {took[(int)(took.Count * 0.99)]:F0} ms, max {took[^1]:F0} ms";
        }));
        output.WriteLine(spread);
        Assert.All(calls, c => Assert.True(c.Took < TimeSpan.FromSeconds(1), $"{c.Call} took {c.Took.TotalMilliseconds:F0} ms ({spread})"));
    }

    /// <summary>Times the request <paramref name="request"/> makes once it is ready (a sign-in first reads its form, untimed).</summary>
    private static async Task<(string Call, HttpStatusCode Status, TimeSpan Took)> TimedAsync((string Call, Func<Task<Func<Task<HttpResponseMessage>>>> Prepare) request)
    {
        var send = await request.Prepare();
        var clock = Stopwatch.StartNew();
        using var response = await send();
        return (request.Call, response.StatusCode, clock.Elapsed);
    }

    private static Func<Task<Func<Task<HttpResponseMessage>>>> Ready(Func<Task<HttpResponseMessage>> send) => () => Task.FromResult(send);

    /// <summary>Reads the sign-in form as a browser does; the returned step posts it.</summary>
    private async Task<Func<Task<HttpResponseMessage>>> SignInAsync(string password)
    {
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = _server.BaseAddress,
        };
        var post = await SignInForm.PrepareAsync(browser, "rm", password);
        return async () =>
        {
            using (browser)
            {
                return await post();
            }
        };
    }

    /// <summary>A .tar.xz rootfs whose data is <see cref="ChangedMegabytes"/> MB of its own random bytes: the delta between two builds recompresses all of it.</summary>
    private async Task<string> RootfsAsync(int build)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_server.DataDir, $"build-{build}")).FullName;
        var bytes = new byte[ChangedMegabytes << 20];
        new Random(build).NextBytes(bytes);
        await File.WriteAllBytesAsync(Path.Combine(directory, "data.bin"), bytes);
        var tarball = Path.Combine(_server.DataDir, $"rootfs-{build}.tar.xz");
        using var tar = Process.Start(new ProcessStartInfo("tar", ["-C", directory, "-cf", tarball, "--use-compress-program=xz -0 -T2", "data.bin"]))!;
        await tar.WaitForExitAsync();
        Assert.Equal(0, tar.ExitCode);
        return tarball;
    }

    private async Task<VerbResult> VerbAsync(params string[] args)
    {
        var result = await _server.RunVerbAsync(args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: {result}");
        return result;
    }
}
