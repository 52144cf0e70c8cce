using System.Net;
using System.Net.Http.Headers;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>The tokens and users verbs against the real executable, and the first admin of a fresh server.</summary>
public sealed class SecurityVerbsTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    [Fact]
    public async Task ATokenMadeByTheVerbWorksUntilRevoked()
    {
        var created = await Verb(0, "tokens", "create", "ci", "--role", "viewer");
        var secret = created.Stdout.Trim().Split('\n')[^1].Trim();
        Assert.StartsWith("sis_", secret);
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
    public async Task TheFirstStartMadeAnAdminAndUsersCanBeAdded()
    {
        Assert.Contains("created user 'admin' with password", server.Log);
        var added = await Verb(0, "users", "add", "alice", "--role", "publisher");
        Assert.Contains("Password, shown only now", added.Stdout);
        Assert.Contains("already exists", (await Verb(1, "users", "add", "alice", "--role", "viewer")).Stderr);
        var users = (await Verb(0, "users", "list")).Stdout;
        Assert.Contains("admin (admin)", users);
        Assert.Contains("alice (publisher)", users);
    }

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
