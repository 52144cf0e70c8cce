using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>The tokens and users verbs against the real executable, and the first admin of a fresh server and its one-time password.</summary>
public sealed class SecurityVerbsTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    [Fact]
    public async Task ATokenMadeByTheVerbWorksUntilRevoked()
    {
        var created = await Verb(0, "tokens", "create", "ci", "--role", "viewer");
        var secret = created.Stdout.TrimEnd('\n');
        Assert.Matches("^sis_[A-Za-z0-9_-]+$", secret);
        Assert.Contains("Its secret, shown only now, follows on stdout.", created.Stderr);
        Assert.DoesNotContain(secret, server.Log);

        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/channels", UriKind.Relative))).StatusCode);
        var listed = (await Verb(0, "tokens", "list")).Stdout;
        Assert.Contains("ci (viewer)", listed);
        Assert.DoesNotContain(secret, listed);

        var json = System.Text.Json.Nodes.JsonNode.Parse((await Verb(0, "tokens", "list", "--json")).Stdout)!.AsArray();
        Assert.All(json, token => Assert.Equal(
            ["createdAt", "createdBy", "expiresAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "role"],
            token!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)));

        var id = listed.Split('\n').First(l => l.Contains("ci (viewer)", StringComparison.Ordinal)).Trim().Split(' ')[0];
        Assert.Contains("Revoked", (await Verb(0, "tokens", "revoke", id)).Stdout);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/v1/channels", UriKind.Relative))).StatusCode);
        Assert.Equal(2, (await Verb(2, "tokens", "create", "x", "--role", "owner")).ExitCode);
    }

    [Fact]
    public async Task TheFirstAdminsLoggedPasswordMustBeChangedAndIsThenUseless()
    {
        var logged = Regex.Match(server.Log, "created user 'admin' with the one-time password (?<password>\\S+) ");
        Assert.True(logged.Success, server.Log);
        var password = logged.Groups["password"].Value;
        using var browser = AccountForm.Browser(server.BaseAddress);

        Assert.Equal(HttpStatusCode.Redirect, (await SignInForm.PostAsync(browser, "admin", password)).StatusCode);
        var home = await browser.GetAsync(new Uri("/admin", UriKind.Relative));
        Assert.Equal("/admin/account?returnUrl=%2Fadmin", AccountForm.Target(server.BaseAddress, home));
        var changed = await AccountForm.PostAsync(browser, password, "the admin's own password", returnUrl: "/admin");
        Assert.Equal("/admin", AccountForm.Target(server.BaseAddress, changed));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/admin", UriKind.Relative))).StatusCode);

        using var stranger = AccountForm.Browser(server.BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInForm.PostAsync(stranger, "admin", password)).StatusCode);
        Assert.Contains("admin (admin), active", (await Verb(0, "users", "list")).Stdout);
    }

    [Fact]
    public async Task UsersAreAddedWithOneTimePasswordsAndManagedByVerbs()
    {
        var added = await Verb(0, "users", "add", "alice", "--role", "publisher");
        Assert.Contains("One-time password, shown only now", added.Stdout);
        var first = added.Stdout.Trim().Split('\n')[^1].Trim();
        Assert.Contains("already exists", (await Verb(1, "users", "add", "alice", "--role", "viewer")).Stderr);
        Assert.Contains("alice (publisher), must change password", (await Verb(0, "users", "list")).Stdout);
        using var alice = AccountForm.Browser(server.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInForm.PostAsync(alice, "alice", first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AccountForm.PostAsync(alice, first, "alice's own password")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync(new Uri("/admin", UriKind.Relative))).StatusCode);

        Assert.Contains("is now admin", (await Verb(0, "users", "set-role", "alice", "--role", "admin")).Stdout);
        Assert.Equal(HttpStatusCode.Redirect, (await alice.GetAsync(new Uri("/admin", UriKind.Relative))).StatusCode);
        Assert.Contains("Disabled user 'alice'", (await Verb(0, "users", "disable", "alice")).Stdout);
        using var again = AccountForm.Browser(server.BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInForm.PostAsync(again, "alice", "alice's own password")).StatusCode);
        Assert.Contains("alice (admin), disabled", (await Verb(0, "users", "list")).Stdout);
        Assert.Contains("Enabled user 'alice'", (await Verb(0, "users", "enable", "alice")).Stdout);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInForm.PostAsync(again, "alice", "alice's own password")).StatusCode);

        var reset = await server.RunVerbWithInputAsync("a password from stdin\n", "users", "passwd", "alice", "--password-stdin");
        Assert.True(reset.ExitCode == 0, reset.ToString());
        Assert.DoesNotContain("a password from stdin", reset.Stdout);
        Assert.Equal(HttpStatusCode.Redirect, (await again.GetAsync(new Uri("/admin", UriKind.Relative))).StatusCode);
        Assert.Contains("Removed user 'alice'", (await Verb(0, "users", "remove", "alice")).Stdout);
        Assert.DoesNotContain("alice", (await Verb(0, "users", "list", "--json")).Stdout);
    }

    [Fact]
    public async Task BadUserVerbsFailWithOneLineAndChangeNothing()
    {
        var before = (await Verb(0, "users", "list", "--json")).Stdout;

        foreach (var (args, reason) in new[]
        {
            (new[] { "users", "disable", "nobody" }, "error: There is no user 'nobody'."),
            (["users", "remove", "admin"], "error: User 'admin' is the last enabled admin and cannot be removed; make another user admin first."),
            (["users", "set-role", "admin", "--role", "viewer"], "error: User 'admin' is the last enabled admin and cannot be demoted; make another user admin first."),
            (["users", "add", "two words", "--role", "viewer"], "error: A user name needs 1 to 100 characters, without spaces or control characters."),
        })
        {
            var result = await Verb(1, args);
            Assert.Equal(reason, result.Stderr.Trim());
        }

        var weak = await server.RunVerbWithInputAsync("short\n", "users", "add", "bob", "--role", "viewer", "--password-stdin");
        Assert.Equal((1, "error: A password needs at least 12 characters."), (weak.ExitCode, weak.Stderr.Trim()));
        Assert.Equal(2, (await Verb(2, "users", "set-role", "admin", "--role", "owner")).ExitCode);
        Assert.Equal(before, (await Verb(0, "users", "list", "--json")).Stdout);
    }

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
