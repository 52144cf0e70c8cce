using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>A verb that meets a broken database says why in one line and exits 1, without a stack trace.</summary>
public sealed class VerbFailureTests : IAsyncLifetime
{
    private readonly ServerProcess _data = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _data.DisposeAsync();

    [Fact]
    [Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]
    public async Task ADamagedDatabaseIsOneLineNotAStackTrace()
    {
        Assert.Equal(0, (await _data.RunVerbAsync("create-channel", "stable")).ExitCode);
        var database = Path.Combine(_data.DataDir, "systemimage.db");
        foreach (var file in Directory.GetFiles(_data.DataDir, "systemimage.db*"))
        {
            File.Delete(file);
        }

        await File.WriteAllTextAsync(database, string.Concat(Enumerable.Repeat("not a database at all ", 100)));

        var result = await _data.RunVerbAsync("list-channels");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: the database failed: SQLite Error 26: 'file is not a database'.", line);
    }
}
