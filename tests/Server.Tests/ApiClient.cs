using System.Net.Http.Headers;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;

namespace SystemImage.Server.Tests;

/// <summary>HTTP clients of the in-process server signed in with a fresh token of each role.</summary>
internal static class ApiClient
{
    public static async Task<HttpClient> WithRoleAsync(InProcessServer server, Role role, string? name = null)
    {
        var (result, _, secret) = await server.Get<TokenService>().CreateAsync(
            name ?? $"test-{role}-{Guid.NewGuid():N}"[..20], role, null, new Actor("tests", "cli"), CancellationToken.None);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Message);
        }

        return WithSecret(server, secret!);
    }

    /// <summary>The JSON body of a successful response; fails the test with the status and body otherwise.</summary>
    public static async Task<System.Text.Json.Nodes.JsonNode> JsonAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Xunit.Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public static HttpClient WithSecret(InProcessServer server, string secret)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }
}
