using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>A token's secret is shown once, on creation, and then never again: not in logs, responses or the database.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class TokenSecrecyTests
{
    [Fact]
    [Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]
    public async Task TheSecretAppearsNowhereButInTheCreationResponse()
    {
        // Every category at Trace, also those the server's quiet defaults name (LoggingDefaults).
        var server = InProcessServer.WithArguments(
            "--Logging:LogLevel:Default=Trace",
            "--Logging:LogLevel:Microsoft=Trace",
            "--Logging:LogLevel:Microsoft.AspNetCore=Trace",
            "--Logging:LogLevel:Microsoft.EntityFrameworkCore=Trace",
            "--Logging:LogLevel:Hangfire=Trace");
        await server.InitializeAsync();
        try
        {
            await CheckAsync(server);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task CheckAsync(InProcessServer server)
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin, "admin-bot");

        var created = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "ci-secret", role = "publisher" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = (await created.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>();
        var hidden = secret["sis_".Length..];

        using var bot = ApiClient.WithSecret(server, secret);
        var responses = new StringBuilder();
        foreach (var path in new[] { "/api/v1/channels", "/api/v1/audit", "/api/v1/jobs", "/metrics", "/api/v1/channels/nowhere" })
        {
            using var response = await bot.GetAsync(new Uri(path, UriKind.Relative));
            responses.Append(response.Headers).Append(await response.Content.ReadAsStringAsync());
        }

        responses.Append(await admin.GetStringAsync(new Uri("/api/v1/tokens", UriKind.Relative)));
        responses.Append(await admin.GetStringAsync(new Uri("/api/v1/audit", UriKind.Relative)));
        using var wrong = ApiClient.WithSecret(server, secret + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(new Uri("/api/v1/channels", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bot.PostAsJsonAsync("/api/v1/tokens", new { name = "escalate", role = "admin" })).StatusCode);

        Assert.DoesNotContain(hidden, responses.ToString());
        Assert.True(server.Log.Count > 50, $"the trace log should hold the requests, not {server.Log.Count} lines");
        Assert.Contains("/api/v1/channels", server.Log.Text);
        Assert.DoesNotContain(hidden, server.Log.Text);
        var id = await StoredTokenIdAsync(server, "ci-secret");
        Assert.DoesNotContain(hidden, await DatabaseTextAsync(server));
        Assert.True(id > 0);
    }

    private static async Task<long> StoredTokenIdAsync(InProcessServer server, string name)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDir, "systemimage.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id FROM ApiTokens WHERE Name = $name";
        command.Parameters.AddWithValue("$name", name);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Every byte of the database files (main file and write-ahead log), as Latin-1 text, so any stored copy of the secret shows.</summary>
    private static async Task<string> DatabaseTextAsync(InProcessServer server)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(server.DataDir, "*.db*", SearchOption.AllDirectories))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            text.Append(Encoding.Latin1.GetString(buffer.ToArray()));
        }

        return text.ToString();
    }
}
