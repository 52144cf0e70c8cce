using System.Text.RegularExpressions;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// A published server started where no appsettings.json lies beside it (the tests start it in its data directory)
/// logs a short, useful start: no SQL statements, no Hangfire housekeeping, and the first admin's one-time password
/// on one line that is easy to find.
/// </summary>
public sealed class StartupLogTests(FirstStartServer fixture) : IClassFixture<FirstStartServer>
{
    // A first start: no keys yet, so the server generates its development key set and says so.
    private readonly ServerProcess _server = fixture.Server;

    [Fact]
    public async Task AFreshServerLogsAFewUsefulLinesWhereverItIsStarted()
    {
        Assert.False(File.Exists(Path.Combine(_server.DataDir, "appsettings.json")));
        // Hangfire's server and its storage's housekeeping start beside the web host; give them time to talk.
        Assert.Equal(0, (await _server.RunVerbAsync("create-channel", "stable")).ExitCode);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var log = _server.Log;
        Assert.DoesNotContain("Executed DbCommand", log);
        Assert.DoesNotContain("Removing outdated records", log);
        Assert.DoesNotContain("Hangfire", log);
        Assert.Single(Regex.Matches(log, "created user 'admin' with the one-time password \\S+ "));
        Assert.Single(Regex.Matches(log, "No signing keys found: generated a development key set"));
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length <= 30, $"{lines.Length} lines:\n{log}");
    }
}
