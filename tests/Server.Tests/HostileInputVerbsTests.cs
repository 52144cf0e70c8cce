using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// Hostile names, archives and numbers through the verbs of the real executable (one line on stderr, exit 1, nothing
/// changed), and a server that still starts and serves the rest when the database holds a row it cannot publish.
/// </summary>
public sealed class HostileInputVerbsTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    [Fact]
    public async Task VerbsRefuseHostileNamesArchivesAndNumbersInOneLine()
    {
        await Verb(0, "create-channel", "hostile");
        await Verb(0, "create-device", "hostile", "mako");
        var through = Path.Combine(server.DataDir, "through-link.tar.gz");
        await File.WriteAllBytesAsync(through, new TarballBuilder().WithSymbolicLink("system/lnk", "/tmp/x").WithFile("system/lnk/pwned", "x").BuildGzip());
        var dangling = Path.Combine(server.DataDir, "dangling.tar.gz");
        await File.WriteAllBytesAsync(dangling, new TarballBuilder().WithFile("system/a", "a").WithHardLink("system/b", "system/nowhere").BuildGzip());
        var build = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, "rootfs-1.tar.gz"), 1);
        var channels = await File.ReadAllBytesAsync(Path.Combine(server.DataDir, "www", "channels.json"));

        AssertOneLine(await Verb(1, "create-channel", "channels.json.asc"), "Invalid channel name 'channels.json.asc': 'channels.json.asc' is reserved");
        AssertOneLine(await Verb(1, "create-alias", "hostile/index.json", "hostile"), "ends in '.json'");
        AssertOneLine(await Verb(1, "rename-channel", "hostile", "hostile.tar.xz"), "ends in '.tar.xz'");
        AssertOneLine(await Verb(1, "create-device", "hostile", "device.tar.xz"), "Invalid device name 'device.tar.xz'");
        AssertOneLine(await Verb(1, "publish-image", "hostile", "mako", $"ubuntu={through}"), "tar entry 'system/lnk/pwned' lies below 'system/lnk'");
        AssertOneLine(await Verb(1, "publish-image", "hostile", "mako", $"ubuntu={dangling}"), "tar entry 'system/b' is a hard link to 'system/nowhere'");
        AssertOneLine(await Verb(1, "publish-image", "hostile", "mako", $"ubuntu={build}", "--min-version", "-7"), "minVersion -7 is out of range");
        AssertOneLine(await Verb(1, "publish-image", "hostile", "mako", $"ubuntu={build}", "--description", new string('d', 5000)), "the limit is 4096 bytes");
        AssertOneLine(await Verb(1, "list-imports", "--limit", "0"), "'limit' must be between 1 and 1000, not 0");
        AssertOneLine(await Verb(1, "tokens", "create", "ci", "--role", "viewer", "--expires-days", "99999999"), "--expires-days must be between 1 and 36500");

        Assert.Equal(channels, await File.ReadAllBytesAsync(Path.Combine(server.DataDir, "www", "channels.json")));
        Assert.False(Directory.Exists(Path.Combine(server.DataDir, "www", "pool")) && Directory.EnumerateFiles(Path.Combine(server.DataDir, "www", "pool")).Any());
        Assert.Contains("Published version 1", (await Verb(0, "publish-image", "hostile", "mako", $"ubuntu={build}", "--min-version", "1")).Stdout);
        var index = JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/hostile/mako/index.json", UriKind.Relative)))!;
        Assert.Equal(1, index["images"]![0]!["minversion"]!.GetValue<int>());
    }

    [Fact]
    [Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]
    public async Task AServerWhoseDatabaseHoldsRowsItCannotPublishStillStartsAndServesTheRest()
    {
        await Verb(0, "create-channel", "kept");
        await Verb(0, "create-device", "kept", "mako");
        await server.KillAsync();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDir, "systemimage.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // The rows the issue's server committed before adding the device failed, and the publish it never finished.
            command.CommandText = """
                INSERT INTO Channels (Name, Hidden, CreatedAt) VALUES ('channels.json.asc', 0, 0);
                INSERT INTO Devices (ChannelId, Name, HasKeyring, CreatedAt) SELECT Id, 'mako', 0, 0 FROM Channels WHERE Name = 'channels.json.asc';
                INSERT INTO Devices (ChannelId, Name, HasKeyring, CreatedAt) SELECT Id, '../../outside', 0, 0 FROM Channels WHERE Name = 'kept';
                INSERT INTO PendingPublishes (Staging, Request, CreatedAt)
                VALUES ('20260101000000-00000000000000000000000000000000', '{"Devices":[{"Channel":"channels.json.asc","Device":"mako"}]}', 0);
                """;
            await command.ExecuteNonQueryAsync();
        }

        await server.StartAsync();

        var channels = JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/channels.json", UriKind.Relative)))!.AsObject();
        Assert.Equal(["kept"], channels.Select(c => c.Key));
        Assert.Equal(["mako"], channels["kept"]!["devices"]!.AsObject().Select(d => d.Key));
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync(new Uri("/kept/mako/index.json", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync(new Uri("/channels.json.asc", UriKind.Relative))).StatusCode);
        Assert.Contains("Left out of the tree until renamed or removed: channel row", server.Log);
        Assert.Contains("'channels.json.asc' is reserved", server.Log);
        Assert.Contains("cannot contain '/'", server.Log);
        AssertOneLine(await Verb(1, "create-device", "channels.json.asc", "flo"), "Rename or remove channel 'channels.json.asc' first.");
        Assert.Contains("Renamed channel 'channels.json.asc' to 'recovered'", (await Verb(0, "rename-channel", "channels.json.asc", "recovered", "--no-redirect")).Stdout);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync(new Uri("/recovered/mako/index.json", UriKind.Relative))).StatusCode);
    }

    private static void AssertOneLine(VerbResult result, string expected)
    {
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
