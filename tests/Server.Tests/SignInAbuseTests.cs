using System.Diagnostics;
using System.Net;
using SystemImage.Core.Audit;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// Guessing passwords: attempts are rate-limited per client and per user name (429 with Retry-After), wrong passwords
/// in a row lock the account for a while, every refusal is logged and audited, and an unknown name takes as long to
/// refuse as a known one. Clients are told apart by <c>X-Forwarded-For</c> from the trusted proxy (127.0.0.1).
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class SignInAbuseTests(GuardedServer server) : IClassFixture<GuardedServer>
{
    private const string Password = "correct horse battery staple";
    private const string Refused = "Wrong user name or password.";

    [Fact]
    public async Task TooManyAttemptsFromOneClientAre429WithRetryAfter()
    {
        for (var i = 0; i < GuardedServer.PerClient; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await AttemptAsync("198.51.100.1", $"ghost{i}", Password)).StatusCode);
        }

        var refused = await AttemptAsync("198.51.100.1", "ghost-last", Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.StartsWith("Too many sign-in attempts", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Too many password attempts from 198.51.100.1", server.Log.Text);
        Assert.Equal(HttpStatusCode.Unauthorized, (await AttemptAsync("198.51.100.2", "ghost-last", Password)).StatusCode);
    }

    [Fact]
    public async Task TooManyAttemptsOnOneNameFromManyClientsAre429()
    {
        for (var i = 0; i < GuardedServer.PerUser; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await AttemptAsync($"198.51.100.{10 + i}", "target", "guess number " + i)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await AttemptAsync("198.51.100.30", " TARGET ", "one more guess")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await AttemptAsync("198.51.100.30", "someone-else", "one more guess")).StatusCode);
    }

    [Fact]
    public async Task WrongPasswordsInARowLockTheAccountAndEveryRefusalIsLoggedAndAudited()
    {
        await AddAsync("lock-me");
        for (var i = 0; i < GuardedServer.Failures; i++)
        {
            await AssertRefusedAsync(await AttemptAsync($"198.51.100.{40 + i}", "lock-me", "wrong password " + i));
        }

        // Locked: the right password is refused too, with the same words as a wrong one.
        await AssertRefusedAsync(await AttemptAsync("198.51.100.50", "lock-me", Password));

        Assert.NotNull((await server.Get<UserService>().GetOrNullAsync("lock-me", default))!.LockedUntil);
        Assert.Contains("Warning SystemImage.Core.Security.UserSessions: Sign-in refused for lock-me from 198.51.100.40: wrong password (1 of 3 before a lockout)", server.Log.Text);
        Assert.Contains("Sign-in refused for lock-me from 198.51.100.50: the account is locked until", server.Log.Text);
        var audited = (await server.Get<AuditQueries>().ListAsync(null, null, 1000, default)).Where(e => e.Target == "lock-me" && e.Action == "sign-in-failed").ToList();
        Assert.Equal(4, audited.Count);
        Assert.Contains(audited, e => e.After!.StartsWith("refused from 198.51.100.42: wrong password, 3 in a row: locked until", StringComparison.Ordinal));

        Assert.True((await server.Get<UserService>().SetDisabledAsync("lock-me", false, new Actor("tests", "cli"), default)).Succeeded);
        Assert.Equal(HttpStatusCode.Redirect, (await AttemptAsync("198.51.100.51", "lock-me", Password)).StatusCode);
    }

    [Fact]
    public async Task AnUnknownNameTakesAsLongToRefuseAsAKnownOne()
    {
        await AddAsync("timed");
        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < GuardedServer.PerUser; i++)
        {
            known.Add(await TimeAsync($"198.51.100.{60 + i}", "timed", "a wrong password"));
            unknown.Add(await TimeAsync($"198.51.100.{70 + i}", $"nobody-{Guid.NewGuid():N}", "a wrong password"));
        }

        var (knownMedian, unknownMedian) = (Median(known), Median(unknown));
        Assert.True(unknownMedian >= 0.5 * knownMedian, $"an unknown name is refused in {unknownMedian:F0} ms, a known one in {knownMedian:F0} ms");
    }

    private async Task AddAsync(string name) =>
        Assert.True((await server.Get<UserService>().AddAsync(name, Role.Viewer, Password, new Actor("tests", "cli"), default)).Succeeded);

    /// <summary>A sign-in attempt from <paramref name="client"/> (as the trusted proxy names it).</summary>
    private async Task<HttpResponseMessage> AttemptAsync(string client, string name, string password) =>
        await (await PrepareAsync(client, name, password))();

    private async Task<Func<Task<HttpResponseMessage>>> PrepareAsync(string client, string name, string password)
    {
        var browser = AccountForm.Browser(server.BaseAddress);
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", client);
        return await SignInForm.PrepareAsync(browser, name, password);
    }

    /// <summary>Milliseconds the server takes to refuse the attempt (reading the form is not timed).</summary>
    private async Task<double> TimeAsync(string client, string name, string password)
    {
        var post = await PrepareAsync(client, name, password);
        var clock = Stopwatch.StartNew();
        using var response = await post();
        var took = clock.Elapsed.TotalMilliseconds;
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return took;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(Refused, await response.Content.ReadAsStringAsync());
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
